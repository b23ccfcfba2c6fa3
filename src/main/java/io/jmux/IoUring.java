package io.jmux;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.Cleaner;
import java.lang.ref.Reference;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ReadOnlyBufferException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * An io_uring instance ({@code io_uring(7)}): {@code io_uring_setup}, the submission and
 * completion rings shared with the kernel, {@code io_uring_enter} and
 * {@code io_uring_register}, driven as C drives them.
 *
 * <pre>{@code
 * try (IoUring ring = IoUring.setup(64, 0)) {
 *     ring.prepPollAdd(fd, Poll.POLLIN, true, 7);     // multishot: one SQE, many CQEs
 *     ring.submitAndWait(1);
 *     int n = ring.cqReady();                         // a memory read, no syscall
 *     for (int i = 0; i < n; i++) {
 *         handle(ring.cqeUserData(i), ring.cqeRes(i), ring.cqeFlags(i));
 *     }
 *     ring.cqAdvance(n);                              // one release store for the batch
 * }
 * }</pre>
 *
 * <h2>The rings, from Java</h2>
 * C sets the ring up and maps the SQ ring, the CQ ring (one mapping with
 * {@link #IORING_FEAT_SINGLE_MMAP}) and the SQE array, once. From then on Java fills SQEs
 * and reads CQEs over that memory, with the ordering io_uring(7) prescribes: an acquire
 * load of the kernel's CQ tail and SQ head, a release store of our SQ tail (at submit) and
 * CQ head (at {@link #cqAdvance}), and a full fence before reading
 * {@code IORING_SQ_NEED_WAKEUP} with {@link #IORING_SETUP_SQPOLL}. Preparing an SQE and
 * reading a CQE make no native call and allocate nothing; only {@code io_uring_enter} (in
 * {@link #submit} and {@link #submitAndWait}) and {@code io_uring_register} cross JNI.
 * Where a buffer is new to this ring, preparing an SQE asks the JVM once for its address
 * ({@code GetDirectBufferAddress}); a 64-entry cache answers later uses of the same object.
 *
 * <h2>Who owns what</h2>
 * <ul>
 *   <li><b>The ring memory</b> belongs to this object and never leaves it. {@link #close()}
 *       closes the ring fd (through the same owner lifecycle as {@link Epoll}) and makes
 *       every later use throw {@link IllegalStateException}; the memory stays mapped, and
 *       the kernel keeps the ring alive while it is, until a {@link Cleaner} unmaps it
 *       once this object is unreachable. So no Java ring access, and no call, can ever
 *       touch unmapped memory.</li>
 *   <li><b>Buffers handed to the kernel</b> ({@link #prepRead}, {@link #prepWrite},
 *       {@link #prepRecv}, {@link #prepSend}, and an {@link IoUringBufRing} used by a recv)
 *       are held strongly by this ring from the prep until the request's last CQE (one
 *       without {@link #IORING_CQE_F_MORE}) has been passed by {@link #cqAdvance}. jmux
 *       counts the requests in flight per {@code user_data}: a buffer is let go when every
 *       request with its {@code user_data} has ended, so requests may share a
 *       {@code user_data}. Buffers are not copied: the kernel reads and writes them while
 *       the request runs, and their position and limit are read at prep time and never
 *       changed. They stay held after {@link #close()}, until the rings are unmapped.</li>
 *   <li><b>Small arguments</b> (a {@code struct __kernel_timespec} for
 *       {@link #prepTimeout}, a {@code struct sockaddr} for {@link #prepConnect}) live in
 *       jmux-owned memory, one slot per SQE, valid until that SQE slot is reused. That is
 *       enough because the kernel consumes them at submission
 *       ({@link #IORING_FEAT_SUBMIT_STABLE}, Linux 5.5); without that feature the two
 *       methods throw {@link UnsupportedOperationException}.</li>
 * </ul>
 *
 * <h2>Threads</h2>
 * Like liburing's {@code struct io_uring}, one ring is driven by one thread at a time:
 * preparing, submitting and reaping are not thread-safe (they share the local SQ tail and
 * CQ head). {@link #close()} is thread-safe and wakes a thread blocked in
 * {@link #submitAndWait}: that wait returns. With {@link #IORING_SETUP_SINGLE_ISSUER} (and
 * {@link #IORING_SETUP_DEFER_TASKRUN}, which needs it) the kernel accepts
 * {@code io_uring_enter} only from the thread that set the ring up (or enabled it, for
 * {@link #IORING_SETUP_R_DISABLED}); jmux checks that in Java and throws
 * {@link IllegalStateException} naming both threads, instead of the kernel's bare
 * {@code EEXIST}. A virtual thread may move between carrier threads, which the kernel sees
 * as different tasks: drive such rings from platform threads.
 *
 * <h2>Availability</h2>
 * {@link #isSupported()} and {@link #unavailabilityCause()} say whether io_uring is absent
 * ({@code ENOSYS}), disabled (the {@code kernel.io_uring_disabled} sysctl or a seccomp
 * filter: {@code EPERM}) or limited ({@code RLIMIT_MEMLOCK} on kernels before 5.12:
 * {@code ENOMEM}), probed once.
 *
 * @see <a href="https://man7.org/linux/man-pages/man7/io_uring.7.html">io_uring(7)</a>
 */
public final class IoUring implements AutoCloseable {
    // ---- io_uring_setup(2) flags ----
    /** Busy-wait for I/O completions (O_DIRECT files on polling-capable devices only). */
    public static final int IORING_SETUP_IOPOLL = Native.constant("IORING_SETUP_IOPOLL");
    /** A kernel thread polls the SQ: submission needs no syscall while it is awake. */
    public static final int IORING_SETUP_SQPOLL = Native.constant("IORING_SETUP_SQPOLL");
    /** With SQPOLL: pin the poll thread to {@code sqThreadCpu}. */
    public static final int IORING_SETUP_SQ_AFF = Native.constant("IORING_SETUP_SQ_AFF");
    /** Use {@code cqEntries} for the CQ size instead of twice the SQ size (Linux 5.5). */
    public static final int IORING_SETUP_CQSIZE = Native.constant("IORING_SETUP_CQSIZE");
    /** Clamp entries past the maximum instead of failing with EINVAL (Linux 5.6). */
    public static final int IORING_SETUP_CLAMP = Native.constant("IORING_SETUP_CLAMP");
    /** Share the async worker pool of ring {@code wqFd} (Linux 5.6). */
    public static final int IORING_SETUP_ATTACH_WQ = Native.constant("IORING_SETUP_ATTACH_WQ");
    /** Start disabled: nothing is submitted until {@link #enableRings()} (Linux 5.10). */
    public static final int IORING_SETUP_R_DISABLED = Native.constant("IORING_SETUP_R_DISABLED");
    /** Keep submitting the batch after an SQE fails at submission (Linux 5.18). */
    public static final int IORING_SETUP_SUBMIT_ALL = Native.constant("IORING_SETUP_SUBMIT_ALL");
    /** Run completion task work only when the task enters the kernel (Linux 5.19). */
    public static final int IORING_SETUP_COOP_TASKRUN = Native.constant("IORING_SETUP_COOP_TASKRUN");
    /** With COOP_TASKRUN: set {@link #IORING_SQ_TASKRUN} when task work waits (Linux 5.19). */
    public static final int IORING_SETUP_TASKRUN_FLAG = Native.constant("IORING_SETUP_TASKRUN_FLAG");
    /** 128-byte SQEs (for {@code IORING_OP_URING_CMD}; Linux 5.19). */
    public static final int IORING_SETUP_SQE128 = Native.constant("IORING_SETUP_SQE128");
    /** 32-byte CQEs (Linux 5.19). */
    public static final int IORING_SETUP_CQE32 = Native.constant("IORING_SETUP_CQE32");
    /** Only one task submits: the one that set the ring up (Linux 6.0). Checked in Java. */
    public static final int IORING_SETUP_SINGLE_ISSUER = Native.constant("IORING_SETUP_SINGLE_ISSUER");
    /**
     * Defer completion work until the submitting task waits for events (Linux 6.1; needs
     * {@link #IORING_SETUP_SINGLE_ISSUER}): CQEs appear only during {@link #submitAndWait}.
     */
    public static final int IORING_SETUP_DEFER_TASKRUN = Native.constant("IORING_SETUP_DEFER_TASKRUN");

    // ---- features reported by io_uring_setup ----
    /** SQ and CQ rings share one mapping (Linux 5.4). */
    public static final int IORING_FEAT_SINGLE_MMAP = Native.constant("IORING_FEAT_SINGLE_MMAP");
    /** CQEs are never dropped on CQ overflow, only held in the kernel until flushed (Linux 5.5). */
    public static final int IORING_FEAT_NODROP = Native.constant("IORING_FEAT_NODROP");
    /** Data an SQE points at for submission is consumed when the SQE is (Linux 5.5). */
    public static final int IORING_FEAT_SUBMIT_STABLE = Native.constant("IORING_FEAT_SUBMIT_STABLE");
    /** Offset -1 reads or writes at the file position (Linux 5.6). */
    public static final int IORING_FEAT_RW_CUR_POS = Native.constant("IORING_FEAT_RW_CUR_POS");
    /** Requests use the credentials of the submitting task (Linux 5.6). */
    public static final int IORING_FEAT_CUR_PERSONALITY = Native.constant("IORING_FEAT_CUR_PERSONALITY");
    /** Not-ready sockets and pipes are polled internally, not punted to a thread (Linux 5.7). */
    public static final int IORING_FEAT_FAST_POLL = Native.constant("IORING_FEAT_FAST_POLL");
    /** Poll masks are 32 bits (EPOLLEXCLUSIVE etc.; Linux 5.9). */
    public static final int IORING_FEAT_POLL_32BITS = Native.constant("IORING_FEAT_POLL_32BITS");
    /** SQPOLL works with non-registered files (Linux 5.11). */
    public static final int IORING_FEAT_SQPOLL_NONFIXED = Native.constant("IORING_FEAT_SQPOLL_NONFIXED");
    /** {@code io_uring_enter} takes an extended argument: timed waits (Linux 5.11). */
    public static final int IORING_FEAT_EXT_ARG = Native.constant("IORING_FEAT_EXT_ARG");
    /** Async workers are threads of the task (Linux 5.12). */
    public static final int IORING_FEAT_NATIVE_WORKERS = Native.constant("IORING_FEAT_NATIVE_WORKERS");
    /** Registered resources take tags (Linux 5.13). */
    public static final int IORING_FEAT_RSRC_TAGS = Native.constant("IORING_FEAT_RSRC_TAGS");
    /** {@link #IOSQE_CQE_SKIP_SUCCESS} is supported (Linux 5.17). */
    public static final int IORING_FEAT_CQE_SKIP = Native.constant("IORING_FEAT_CQE_SKIP");
    /** Linked requests resolve their files at execution (Linux 5.17). */
    public static final int IORING_FEAT_LINKED_FILE = Native.constant("IORING_FEAT_LINKED_FILE");

    // ---- opcodes (those with a prep method, and the bound) ----
    /** Does nothing; completes with res 0. */
    public static final int IORING_OP_NOP = Native.constant("IORING_OP_NOP");
    /** {@code poll(2)} on one fd, one-shot or multishot (Linux 5.1; multishot 5.13). */
    public static final int IORING_OP_POLL_ADD = Native.constant("IORING_OP_POLL_ADD");
    /** Removes a POLL_ADD by its {@code user_data} (Linux 5.1). */
    public static final int IORING_OP_POLL_REMOVE = Native.constant("IORING_OP_POLL_REMOVE");
    /** A timeout, or a completion count (Linux 5.4). */
    public static final int IORING_OP_TIMEOUT = Native.constant("IORING_OP_TIMEOUT");
    /** {@code accept4(2)} (Linux 5.5; multishot 5.19). */
    public static final int IORING_OP_ACCEPT = Native.constant("IORING_OP_ACCEPT");
    /** Cancels requests by {@code user_data}, fd or any (Linux 5.5). */
    public static final int IORING_OP_ASYNC_CANCEL = Native.constant("IORING_OP_ASYNC_CANCEL");
    /** {@code connect(2)} (Linux 5.5). */
    public static final int IORING_OP_CONNECT = Native.constant("IORING_OP_CONNECT");
    /** {@code close(2)} (Linux 5.6). */
    public static final int IORING_OP_CLOSE = Native.constant("IORING_OP_CLOSE");
    /** {@code pread(2)}, or {@code read(2)} at offset -1 (Linux 5.6). */
    public static final int IORING_OP_READ = Native.constant("IORING_OP_READ");
    /** {@code pwrite(2)}, or {@code write(2)} at offset -1 (Linux 5.6). */
    public static final int IORING_OP_WRITE = Native.constant("IORING_OP_WRITE");
    /** {@code send(2)} (Linux 5.6). */
    public static final int IORING_OP_SEND = Native.constant("IORING_OP_SEND");
    /** {@code recv(2)}, into a buffer or a provided buffer; multishot (Linux 5.6; multishot 6.0). */
    public static final int IORING_OP_RECV = Native.constant("IORING_OP_RECV");
    /** One past the last opcode the build's headers name. */
    public static final int IORING_OP_LAST = Native.constant("IORING_OP_LAST");

    // ---- SQE flags (setSqeFlags) ----
    /** The fd is an index into registered files (none are registered by jmux). */
    public static final int IOSQE_FIXED_FILE = Native.constant("IOSQE_FIXED_FILE");
    /** Start only after every earlier request has completed. */
    public static final int IOSQE_IO_DRAIN = Native.constant("IOSQE_IO_DRAIN");
    /** Link the next SQE: it starts after this one succeeds. */
    public static final int IOSQE_IO_LINK = Native.constant("IOSQE_IO_LINK");
    /** Link the next SQE: it starts after this one, whatever its result. */
    public static final int IOSQE_IO_HARDLINK = Native.constant("IOSQE_IO_HARDLINK");
    /** Always execute asynchronously (in a worker thread). */
    public static final int IOSQE_ASYNC = Native.constant("IOSQE_ASYNC");
    /** Take a buffer from a provided-buffer group (set by {@link #prepRecv(int, IoUringBufRing, int, boolean, long)}). */
    public static final int IOSQE_BUFFER_SELECT = Native.constant("IOSQE_BUFFER_SELECT");
    /** Post no CQE on success (refused by jmux: see {@link #setSqeFlags}). */
    public static final int IOSQE_CQE_SKIP_SUCCESS = Native.constant("IOSQE_CQE_SKIP_SUCCESS");

    // ---- CQE flags ----
    /** The upper 16 bits of the flags are the id of the provided buffer used. */
    public static final int IORING_CQE_F_BUFFER = Native.constant("IORING_CQE_F_BUFFER");
    /**
     * More CQEs will follow for this request. A multishot request's CQE without it is its
     * last: the request has ended (an error, a cancel, an exhausted buffer group, or the
     * kernel's choice) and must be re-armed to go on.
     */
    public static final int IORING_CQE_F_MORE = Native.constant("IORING_CQE_F_MORE");
    /**
     * A recv left more data in the socket (Linux 5.19; TCP, and sockets that report
     * {@code msg_inq}): receive again before waiting on an edge-like multishot poll.
     */
    public static final int IORING_CQE_F_SOCK_NONEMPTY = Native.constant("IORING_CQE_F_SOCK_NONEMPTY");
    /** A zero-copy send's notification (not produced by the opcodes jmux prepares). */
    public static final int IORING_CQE_F_NOTIF = Native.constant("IORING_CQE_F_NOTIF");
    /** Shift of the buffer id in the CQE flags. */
    public static final int IORING_CQE_BUFFER_SHIFT = Native.constant("IORING_CQE_BUFFER_SHIFT");

    // ---- SQ ring flags (sqFlags) ----
    /** SQPOLL: the poll thread sleeps and needs an {@code IORING_ENTER_SQ_WAKEUP}. */
    public static final int IORING_SQ_NEED_WAKEUP = Native.constant("IORING_SQ_NEED_WAKEUP");
    /** The CQ ring overflowed: CQEs wait in the kernel until an enter with GETEVENTS flushes them. */
    public static final int IORING_SQ_CQ_OVERFLOW = Native.constant("IORING_SQ_CQ_OVERFLOW");
    /** Task work is pending: an enter with GETEVENTS runs it (TASKRUN_FLAG rings). */
    public static final int IORING_SQ_TASKRUN = Native.constant("IORING_SQ_TASKRUN");

    // ---- TIMEOUT and ASYNC_CANCEL flags ----
    /** {@link #prepTimeout}: the time is absolute. */
    public static final int IORING_TIMEOUT_ABS = Native.constant("IORING_TIMEOUT_ABS");
    /** {@link #prepTimeout}: measure on CLOCK_BOOTTIME. */
    public static final int IORING_TIMEOUT_BOOTTIME = Native.constant("IORING_TIMEOUT_BOOTTIME");
    /** {@link #prepTimeout}: measure on CLOCK_REALTIME. */
    public static final int IORING_TIMEOUT_REALTIME = Native.constant("IORING_TIMEOUT_REALTIME");
    /** {@link #prepTimeout}: complete with res 0, not -ETIME, when the time passes. */
    public static final int IORING_TIMEOUT_ETIME_SUCCESS = Native.constant("IORING_TIMEOUT_ETIME_SUCCESS");
    /** {@link #prepCancel}: cancel every match, not only the first. */
    public static final int IORING_ASYNC_CANCEL_ALL = Native.constant("IORING_ASYNC_CANCEL_ALL");
    /** {@link #prepCancel}: match any request. */
    public static final int IORING_ASYNC_CANCEL_ANY = Native.constant("IORING_ASYNC_CANCEL_ANY");

    private static final int IORING_POLL_ADD_MULTI = Native.constant("IORING_POLL_ADD_MULTI");
    private static final int IORING_ACCEPT_MULTISHOT = Native.constant("IORING_ACCEPT_MULTISHOT");
    private static final int IORING_RECV_MULTISHOT = Native.constant("IORING_RECV_MULTISHOT");
    private static final int IORING_ASYNC_CANCEL_FD = Native.constant("IORING_ASYNC_CANCEL_FD");
    private static final int IORING_REGISTER_PROBE = Native.constant("IORING_REGISTER_PROBE");
    private static final int IORING_REGISTER_ENABLE_RINGS = Native.constant("IORING_REGISTER_ENABLE_RINGS");
    private static final int IO_URING_OP_SUPPORTED = Native.constant("IO_URING_OP_SUPPORTED");
    private static final int AF_INET = Native.constant("AF_INET");
    private static final int AF_INET6 = Native.constant("AF_INET6");

    /** Every setup flag the build's headers name: other bits may change the ring layout. */
    private static final int KNOWN_SETUP_FLAGS = knownSetupFlags();

    private static final VarHandle INT = MethodHandles.byteBufferViewVarHandle(int[].class,
            ByteOrder.nativeOrder());
    private static final Cleaner CLEANER = Cleaner.create();
    private static final boolean BIG_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.BIG_ENDIAN;
    private static final int EINTR = Errno.EINTR;
    private static final int ETIME = Native.constant("errno.ETIME");
    /** Bytes per SQE slot for its timespec or sockaddr. */
    private static final int SCRATCH = (Math.max(IoUringSys.SIZEOF_SOCKADDR_IN6, IoUringSys.SIZEOF_TIMESPEC) + 7) & ~7;

    private final Owner owner;
    private final int setupFlags;
    private final int features;
    private final int sqEntries;
    private final int cqEntries;
    private final boolean sqPoll;
    // The mapped memory: only this object holds these buffers.
    private final ByteBuffer sq;
    private final ByteBuffer cq;
    private final ByteBuffer sqes;
    private final int sqMask;
    private final int cqMask;
    private final int sqeSize;
    private final int cqeSize;
    private final int sqHead;
    private final int sqTail;
    private final int sqFlagsAt;
    private final int sqDropped;
    private final int cqHead;
    private final int cqTail;
    private final int cqOverflowAt;
    private final int cqes;
    // Local state of the one driving thread.
    private int tail;
    private int published;
    private int headSeen;
    private int cqHeadLocal;
    private int cqSeen;
    private int lastSqe = -1;
    private volatile Thread issuer;
    private final ByteBuffer scratch;
    private final long scratchAddress;
    private final InFlight inFlight = new InFlight();
    private final List<IoUringBufRing> bufRings;
    private final ByteBuffer[] cachedBuffers = new ByteBuffer[64];
    private final long[] cachedAddresses = new long[64];
    private volatile boolean[] probed;

    private IoUring(int fd, ByteBuffer p, ByteBuffer maps) {
        long sqAddress = maps.getLong(0);
        long sqLength = maps.getLong(8);
        long cqAddress = maps.getLong(16);
        long cqLength = maps.getLong(24);
        long sqesAddress = maps.getLong(32);
        long sqesLength = maps.getLong(40);
        this.bufRings = new ArrayList<>();
        // The Cleaner also holds the buffers in flight, so they outlive the mapping.
        Unmap unmap = new Unmap(sqAddress, sqLength, cqLength == 0 ? 0 : cqAddress, cqLength, sqesAddress,
                sqesLength, inFlight, bufRings);
        Owner o;
        try {
            o = Owner.of(fd, true);
        } catch (OutOfMemoryError e) {
            unmap.run();
            throw e;
        }
        this.owner = o;
        CLEANER.register(this, unmap);
        this.sq = IoUringSys.wrap(sqAddress, sqLength).order(ByteOrder.nativeOrder());
        this.cq = cqLength == 0 ? sq : IoUringSys.wrap(cqAddress, cqLength).order(ByteOrder.nativeOrder());
        this.sqes = IoUringSys.wrap(sqesAddress, sqesLength).order(ByteOrder.nativeOrder());
        this.setupFlags = p.getInt(IoUringSys.P_FLAGS);
        this.features = p.getInt(IoUringSys.P_FEATURES);
        this.sqEntries = p.getInt(IoUringSys.P_SQ_ENTRIES);
        this.cqEntries = p.getInt(IoUringSys.P_CQ_ENTRIES);
        this.sqPoll = (setupFlags & IORING_SETUP_SQPOLL) != 0;
        this.sqeSize = IoUringSys.SIZEOF_SQE * ((setupFlags & IORING_SETUP_SQE128) != 0 ? 2 : 1);
        this.cqeSize = IoUringSys.SIZEOF_CQE * ((setupFlags & IORING_SETUP_CQE32) != 0 ? 2 : 1);
        this.sqHead = p.getInt(IoUringSys.SQ_HEAD);
        this.sqTail = p.getInt(IoUringSys.SQ_TAIL);
        this.sqFlagsAt = p.getInt(IoUringSys.SQ_FLAGS);
        this.sqDropped = p.getInt(IoUringSys.SQ_DROPPED);
        this.sqMask = sq.getInt(p.getInt(IoUringSys.SQ_RING_MASK));
        this.cqHead = p.getInt(IoUringSys.CQ_HEAD);
        this.cqTail = p.getInt(IoUringSys.CQ_TAIL);
        this.cqOverflowAt = p.getInt(IoUringSys.CQ_OVERFLOW);
        this.cqes = p.getInt(IoUringSys.CQ_CQES);
        this.cqMask = cq.getInt(p.getInt(IoUringSys.CQ_RING_MASK));
        int array = p.getInt(IoUringSys.SQ_ARRAY);
        for (int i = 0; i < sqEntries; i++) {
            sq.putInt(array + 4 * i, i); // SQE slot i at SQ index i, for good
        }
        this.tail = sq.getInt(sqTail);
        this.published = tail;
        this.headSeen = tail;
        this.cqHeadLocal = cq.getInt(cqHead);
        this.scratch = ByteBuffer.allocateDirect(sqEntries * SCRATCH).order(ByteOrder.nativeOrder());
        this.scratchAddress = Native.addressOf(scratch);
        if ((setupFlags & IORING_SETUP_SINGLE_ISSUER) != 0 && (setupFlags & IORING_SETUP_R_DISABLED) == 0) {
            issuer = Thread.currentThread(); // the kernel records the task that set the ring up
        }
    }

    // ---- availability ----

    /**
     * Whether this process can set up an io_uring: probed once, with
     * {@code io_uring_setup(1, &params)} and an immediate close.
     *
     * @return true if io_uring is available
     */
    public static boolean isSupported() {
        return Availability.CAUSE == null;
    }

    /**
     * Why io_uring is unavailable, as a sentence naming the errno and its likely cause:
     * <b>absent</b> ({@code ENOSYS}: a kernel before 5.1 or without
     * {@code CONFIG_IO_URING}), <b>disabled</b> ({@code EPERM}: the
     * {@code kernel.io_uring_disabled} sysctl, read back where readable, or a seccomp filter
     * such as a container runtime's default profile) or <b>limited</b> ({@code ENOMEM}: the
     * rings could not be allocated; kernels before 5.12 charge them to
     * {@code RLIMIT_MEMLOCK}).
     *
     * @return the cause, or null if io_uring is available
     */
    public static String unavailabilityCause() {
        return Availability.CAUSE;
    }

    /**
     * Which of the setup flags CQSIZE, CLAMP, SUBMIT_ALL, COOP_TASKRUN, TASKRUN_FLAG,
     * SINGLE_ISSUER, DEFER_TASKRUN, R_DISABLED, SQE128 and CQE32 this kernel accepts:
     * probed once, each with a one-entry ring set up and closed at once (with the flag it
     * needs: COOP_TASKRUN for TASKRUN_FLAG, SINGLE_ISSUER for DEFER_TASKRUN). SQPOLL,
     * SQ_AFF, IOPOLL and ATTACH_WQ are not probed: they need a CPU, a device or a second ring.
     *
     * @return the accepted flags; 0 if io_uring is unavailable
     */
    public static int supportedSetupFlags() {
        return SetupFlags.SUPPORTED;
    }

    /** Probed on first use only: isSupported() alone sets up one ring, not eleven. */
    private static final class SetupFlags {
        static final int SUPPORTED = Availability.CAUSE == null ? Availability.probeFlags() : 0;
    }

    // ---- setup ----

    /**
     * {@code io_uring_setup(entries, &(struct io_uring_params){.flags = flags})}, then the
     * mmaps of the rings.
     *
     * @param entries SQ size: 1 .. 32768, rounded up to a power of two by the kernel
     *     (passed as {@code unsigned}; larger needs {@link #IORING_SETUP_CLAMP})
     * @param flags {@code IORING_SETUP_*} bits
     * @return the ring, owning its fd
     * @throws ErrnoException {@code EINVAL} (entries, flag combination), {@code EPERM}
     *     (disabled), {@code ENOSYS}, {@code ENOMEM}, {@code EMFILE}; {@code mmap} errors
     * @throws IllegalArgumentException for flag bits the build's headers do not name
     */
    public static IoUring setup(int entries, int flags) throws ErrnoException {
        return setup(entries, flags, 0, 0, 0, 0);
    }

    /**
     * {@code io_uring_setup(entries, &params)} with every input field of
     * {@code struct io_uring_params}, then the mmaps of the rings (one mapping for both
     * rings with {@link #IORING_FEAT_SINGLE_MMAP}). The kernel's answer is readable
     * through {@link #sqEntries()}, {@link #cqEntries()}, {@link #features()}.
     *
     * @param entries SQ size (unsigned; 1 .. 32768, larger with CLAMP)
     * @param flags {@code IORING_SETUP_*} bits; bits the headers this build used do not
     *     name are refused here, since they can change the layout of the rings
     * @param cqEntries CQ size with {@link #IORING_SETUP_CQSIZE} (unsigned), else ignored
     * @param sqThreadCpu the poll thread's CPU with {@link #IORING_SETUP_SQ_AFF}
     * @param sqThreadIdle SQPOLL: milliseconds the poll thread spins before it sleeps
     * @param wqFd the ring whose workers to share, with {@link #IORING_SETUP_ATTACH_WQ}
     * @return the ring, owning its fd
     * @throws ErrnoException as {@link #setup(int, int)}
     * @throws IllegalArgumentException for unknown flag bits
     */
    public static IoUring setup(int entries, int flags, int cqEntries, int sqThreadCpu, int sqThreadIdle,
                                int wqFd) throws ErrnoException {
        if ((flags & ~KNOWN_SETUP_FLAGS) != 0) {
            throw new IllegalArgumentException("io_uring_setup flag bits 0x" + Integer.toHexString(flags
                    & ~KNOWN_SETUP_FLAGS) + " are not named by the <linux/io_uring.h> jmux was built with;"
                    + " they may change the ring layout, which jmux would then misread");
        }
        ByteBuffer p = params(flags, cqEntries, sqThreadCpu, sqThreadIdle, wqFd);
        long pa = Native.addressOf(p);
        int fd = IoUringSys.setup(entries, p, pa);
        if (fd < 0) {
            throw Sys.error(fd, "io_uring_setup", Integer.toUnsignedString(entries) + ", {flags="
                    + IoUringSys.SETUP_FLAGS.flags(flags) + "}");
        }
        ByteBuffer maps = ByteBuffer.allocateDirect(6 * Long.BYTES).order(ByteOrder.nativeOrder());
        int r = IoUringSys.map(fd, p, pa, maps, Native.addressOf(maps));
        if (r < 0) {
            FdSys.close(fd);
            throw Sys.error(r, "mmap", "io_uring fd " + fd);
        }
        return new IoUring(fd, p, maps);
    }

    private static ByteBuffer params(int flags, int cqEntries, int sqThreadCpu, int sqThreadIdle, int wqFd) {
        ByteBuffer p = ByteBuffer.allocateDirect(IoUringSys.SIZEOF_PARAMS).order(ByteOrder.nativeOrder());
        p.putInt(IoUringSys.P_FLAGS, flags);
        p.putInt(IoUringSys.P_CQ_ENTRIES, cqEntries);
        p.putInt(IoUringSys.P_SQ_THREAD_CPU, sqThreadCpu);
        p.putInt(IoUringSys.P_SQ_THREAD_IDLE, sqThreadIdle);
        p.putInt(IoUringSys.P_WQ_FD, wqFd);
        return p;
    }

    // ---- what the kernel answered ----

    /**
     * The ring fd.
     *
     * @return the fd number
     * @throws IllegalStateException if closed
     */
    public int fd() {
        owner.checkOpen("IoUring");
        return owner.fd;
    }

    /**
     * Whether this ring can still be used.
     *
     * @return false once {@link #close()} has been called
     */
    public boolean isOpen() {
        return owner.isOpen();
    }

    /**
     * The setup flags as the kernel kept them.
     *
     * @return {@code params.flags} after {@code io_uring_setup}
     */
    public int flags() {
        return setupFlags;
    }

    /**
     * The kernel's {@code IORING_FEAT_*} bits.
     *
     * @return {@code params.features}
     */
    public int features() {
        return features;
    }

    /**
     * The SQ size the kernel chose.
     *
     * @return {@code params.sq_entries}
     */
    public int sqEntries() {
        return sqEntries;
    }

    /**
     * The CQ size the kernel chose.
     *
     * @return {@code params.cq_entries}
     */
    public int cqEntries() {
        return cqEntries;
    }

    /**
     * Free SQE slots: {@code sq_entries - (tail - head)}, with an acquire load of the
     * kernel's SQ head.
     *
     * @return how many SQEs can be prepared before a submit
     * @throws IllegalStateException if closed
     */
    public int sqSpace() {
        owner.checkOpen("IoUring");
        try {
            headSeen = (int) INT.getAcquire(sq, sqHead);
            return sqEntries - (tail - headSeen);
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    /**
     * The SQ ring's flags word ({@link #IORING_SQ_NEED_WAKEUP}, {@link #IORING_SQ_CQ_OVERFLOW},
     * {@link #IORING_SQ_TASKRUN}), after a full fence.
     *
     * @return the flags the kernel set
     * @throws IllegalStateException if closed
     */
    public int sqFlags() {
        owner.checkOpen("IoUring");
        try {
            VarHandle.fullFence();
            return (int) INT.getAcquire(sq, sqFlagsAt);
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    /**
     * The kernel's CQ overflow counter ({@code cq_ring->overflow}): completions it could
     * not post and could not hold either (allocation failure), i.e. lost ones. With
     * {@link #IORING_FEAT_NODROP} an overflow of the CQ ring itself loses nothing: the
     * kernel holds the CQEs, sets {@link #IORING_SQ_CQ_OVERFLOW} and posts them at the next
     * {@code io_uring_enter} with GETEVENTS ({@link #submitAndWait}, or {@link #submit}
     * when the flag is set).
     *
     * @return the counter, unsigned
     * @throws IllegalStateException if closed
     */
    public long cqOverflow() {
        owner.checkOpen("IoUring");
        try {
            return Integer.toUnsignedLong((int) INT.getAcquire(cq, cqOverflowAt));
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    // ---- preparing SQEs ----

    /**
     * A zeroed SQE at the local SQ tail with opcode, fd and user_data set, counted in flight
     * with its pin; or -1 if the SQ is full. Returns the SQE's byte offset.
     */
    private int nextSqe(int opcode, int fd, long userData, Object pin) {
        owner.checkOpen("IoUring");
        if (tail - headSeen >= sqEntries) {
            headSeen = (int) INT.getAcquire(sq, sqHead);
            if (tail - headSeen >= sqEntries) {
                return -1;
            }
        }
        int at = (tail & sqMask) * sqeSize;
        for (int i = 0; i < sqeSize; i += Long.BYTES) {
            sqes.putLong(at + i, 0);
        }
        sqes.put(at + IoUringSys.SQE_OPCODE, (byte) opcode);
        sqes.putInt(at + IoUringSys.SQE_FD, fd);
        sqes.putLong(at + IoUringSys.SQE_USER_DATA, userData);
        inFlight.begin(userData, pin);
        tail++;
        lastSqe = at;
        return at;
    }

    /**
     * {@code IORING_OP_NOP}: completes with res 0.
     *
     * @param userData returned in the CQE
     * @return false if the SQ is full (submit, then prepare again)
     * @throws IllegalStateException if closed
     */
    public boolean prepNop(long userData) {
        try {
            return nextSqe(IORING_OP_NOP, -1, userData, null) >= 0;
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    /**
     * {@code IORING_OP_POLL_ADD}: {@code poll(2)} on {@code fd} for {@code pollMask}
     * (32 bits with {@link #IORING_FEAT_POLL_32BITS}; {@code POLL*} and {@code EPOLL*}
     * values alike). The CQE's res is the ready mask, or -errno. Unlike {@code poll(2)},
     * the mask always includes {@code POLLRDHUP} when it holds, as it does
     * {@code POLLERR} and {@code POLLHUP}, asked or not ({@code IO_POLL_UNMASK} in the
     * kernel's io_uring/poll.c; the readiness fuzz test relies on it).
     *
     * <p><b>Multishot</b> ({@code IORING_POLL_ADD_MULTI}, Linux 5.13): the request stays
     * armed and posts a CQE with {@link #IORING_CQE_F_MORE} for each wake-up. After its
     * first CQE it is edge-like: it posts again only when the fd is woken again (new data),
     * not while it stays ready, as {@code EPOLLET} does; so drain the fd after each CQE
     * (a recv CQE with {@link #IORING_CQE_F_SOCK_NONEMPTY}, Linux 5.19, says data is still
     * queued: read again now, since no new poll CQE will come for it; Netty's io_uring
     * transport relies on the same fact). A CQE without {@code F_MORE} ends it: re-arm with
     * a new POLL_ADD.
     *
     * @param fd the fd to watch
     * @param pollMask {@code POLLIN}, {@code POLLOUT}, ... (any bits go to the kernel)
     * @param multishot keep the request armed
     * @param userData returned in every CQE; also the key of {@link #prepPollRemove}
     * @return false if the SQ is full
     * @throws IllegalArgumentException if fd is negative
     * @throws IllegalStateException if closed
     */
    public boolean prepPollAdd(int fd, int pollMask, boolean multishot, long userData) {
        Check.fd(fd);
        try {
            int at = nextSqe(IORING_OP_POLL_ADD, fd, userData, null);
            if (at < 0) {
                return false;
            }
            // poll32_events is word-swapped on big-endian machines (liburing: __swahw32).
            sqes.putInt(at + IoUringSys.SQE_POLL32, BIG_ENDIAN ? Integer.rotateLeft(pollMask, 16) : pollMask);
            sqes.putInt(at + IoUringSys.SQE_LEN, multishot ? IORING_POLL_ADD_MULTI : 0);
            return true;
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    /**
     * {@code IORING_OP_POLL_REMOVE}: removes the POLL_ADD whose user_data is
     * {@code targetUserData}. Its own CQE has res 0 or {@code -ENOENT}; the removed
     * request posts a CQE with {@code -ECANCELED} and without {@code F_MORE}.
     *
     * @param targetUserData the POLL_ADD's user_data
     * @param userData returned in this request's CQE
     * @return false if the SQ is full
     * @throws IllegalStateException if closed
     */
    public boolean prepPollRemove(long targetUserData, long userData) {
        try {
            int at = nextSqe(IORING_OP_POLL_REMOVE, -1, userData, null);
            if (at < 0) {
                return false;
            }
            sqes.putLong(at + IoUringSys.SQE_ADDR, targetUserData);
            return true;
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    /**
     * {@code IORING_OP_ASYNC_CANCEL}: cancels the request(s) with user_data
     * {@code targetUserData}. Res 0 (found and cancelled), {@code -ENOENT}, {@code -EALREADY}
     * (running, cancel attempted), or with {@link #IORING_ASYNC_CANCEL_ALL} the count. Each
     * cancelled request posts its own CQE, usually {@code -ECANCELED}.
     *
     * @param targetUserData the user_data to match
     * @param flags {@code IORING_ASYNC_CANCEL_*} bits ({@link #IORING_ASYNC_CANCEL_ALL},
     *     {@link #IORING_ASYNC_CANCEL_ANY}); passed through
     * @param userData returned in this request's CQE
     * @return false if the SQ is full
     * @throws IllegalStateException if closed
     */
    public boolean prepCancel(long targetUserData, int flags, long userData) {
        try {
            int at = nextSqe(IORING_OP_ASYNC_CANCEL, -1, userData, null);
            if (at < 0) {
                return false;
            }
            sqes.putLong(at + IoUringSys.SQE_ADDR, targetUserData);
            sqes.putInt(at + IoUringSys.SQE_OP_FLAGS, flags);
            return true;
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    /**
     * {@code IORING_OP_ASYNC_CANCEL} with {@code IORING_ASYNC_CANCEL_FD} (Linux 5.19):
     * cancels the request(s) on {@code fd}.
     *
     * @param fd the fd whose requests to cancel
     * @param flags more {@code IORING_ASYNC_CANCEL_*} bits, e.g. {@link #IORING_ASYNC_CANCEL_ALL}
     * @param userData returned in this request's CQE
     * @return false if the SQ is full
     * @throws IllegalArgumentException if fd is negative
     * @throws IllegalStateException if closed
     */
    public boolean prepCancelFd(int fd, int flags, long userData) {
        Check.fd(fd);
        try {
            int at = nextSqe(IORING_OP_ASYNC_CANCEL, fd, userData, null);
            if (at < 0) {
                return false;
            }
            sqes.putInt(at + IoUringSys.SQE_OP_FLAGS, flags | IORING_ASYNC_CANCEL_FD);
            return true;
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    /**
     * {@code IORING_OP_ACCEPT}: {@code accept4(fd, NULL, NULL, flags)}; res is the new fd
     * (ask {@code getpeername} for the peer). Multishot ({@code IORING_ACCEPT_MULTISHOT},
     * Linux 5.19) posts one CQE with {@code F_MORE} per connection until cancelled or failed.
     *
     * @param fd a listening socket
     * @param flags {@code SOCK_NONBLOCK}, {@code SOCK_CLOEXEC}
     * @param multishot keep accepting
     * @param userData returned in every CQE
     * @return false if the SQ is full
     * @throws IllegalArgumentException if fd is negative
     * @throws IllegalStateException if closed
     */
    public boolean prepAccept(int fd, int flags, boolean multishot, long userData) {
        Check.fd(fd);
        try {
            int at = nextSqe(IORING_OP_ACCEPT, fd, userData, null);
            if (at < 0) {
                return false;
            }
            sqes.putInt(at + IoUringSys.SQE_OP_FLAGS, flags);
            sqes.putShort(at + IoUringSys.SQE_IOPRIO, (short) (multishot ? IORING_ACCEPT_MULTISHOT : 0));
            return true;
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    /**
     * {@code IORING_OP_CONNECT}: {@code connect(fd, address)}; res 0 or -errno (a
     * non-blocking socket completes when connected, not with {@code -EINPROGRESS}). The
     * {@code struct sockaddr} lives in jmux memory of this SQE's slot, consumed at submission.
     *
     * @param fd a socket
     * @param address a resolved IPv4 or IPv6 address
     * @param userData returned in the CQE
     * @return false if the SQ is full
     * @throws IllegalArgumentException if fd is negative or the address is unresolved
     * @throws NullPointerException if address is null
     * @throws UnsupportedOperationException without {@link #IORING_FEAT_SUBMIT_STABLE}
     * @throws IllegalStateException if closed
     */
    public boolean prepConnect(int fd, InetSocketAddress address, long userData) {
        Check.fd(fd);
        InetAddress ip = address.getAddress();
        if (ip == null) {
            throw new IllegalArgumentException("unresolved address: " + address);
        }
        checkSubmitStable("prepConnect");
        try {
            int at = nextSqe(IORING_OP_CONNECT, fd, userData, null);
            if (at < 0) {
                return false;
            }
            int slot = at / sqeSize * SCRATCH;
            for (int i = 0; i < SCRATCH; i += Long.BYTES) {
                scratch.putLong(slot + i, 0);
            }
            byte[] bytes = ip.getAddress();
            int len;
            if (ip instanceof Inet4Address) {
                scratch.putShort(slot + IoUringSys.SIN_FAMILY, (short) AF_INET);
                putPort(slot + IoUringSys.SIN_PORT, address.getPort());
                scratch.put(slot + IoUringSys.SIN_ADDR, bytes);
                len = IoUringSys.SIZEOF_SOCKADDR_IN;
            } else {
                scratch.putShort(slot + IoUringSys.SIN6_FAMILY, (short) AF_INET6);
                putPort(slot + IoUringSys.SIN6_PORT, address.getPort());
                scratch.put(slot + IoUringSys.SIN6_ADDR, bytes);
                scratch.putInt(slot + IoUringSys.SIN6_SCOPE_ID, ((Inet6Address) ip).getScopeId());
                len = IoUringSys.SIZEOF_SOCKADDR_IN6;
            }
            sqes.putLong(at + IoUringSys.SQE_ADDR, scratchAddress + slot);
            sqes.putLong(at + IoUringSys.SQE_OFF, len); // addr2: the address length
            return true;
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    private void putPort(int at, int port) {
        scratch.put(at, (byte) (port >>> 8)); // network byte order
        scratch.put(at + 1, (byte) port);
    }

    /**
     * {@code IORING_OP_RECV} into {@code buffer}'s bytes from position to limit:
     * {@code recv(fd, buf, len, msgFlags)}; res is the byte count, 0 at EOF, or -errno. The
     * buffer is held until the CQE is passed; its position is not moved.
     *
     * @param fd a socket
     * @param buffer a writable direct buffer
     * @param msgFlags {@code MSG_*} flags
     * @param userData returned in the CQE
     * @return false if the SQ is full
     * @throws IllegalArgumentException if fd is negative or the buffer is not direct
     * @throws ReadOnlyBufferException if the buffer is read-only
     * @throws NullPointerException if buffer is null
     * @throws IllegalStateException if closed
     */
    public boolean prepRecv(int fd, ByteBuffer buffer, int msgFlags, long userData) {
        return prepTransfer(IORING_OP_RECV, fd, writable(buffer), msgFlags, 0, userData);
    }

    /**
     * {@code IORING_OP_RECV} with {@code IOSQE_BUFFER_SELECT}: the kernel picks a buffer of
     * {@code bufRing}'s group when data arrives; the CQE has {@link #IORING_CQE_F_BUFFER} and
     * the buffer id ({@link #cqeBufferId}), res the byte count. An empty group answers
     * {@code -ENOBUFS} (and ends a multishot request). Multishot
     * ({@code IORING_RECV_MULTISHOT}, Linux 6.0) posts a CQE with {@code F_MORE} per
     * receive. The buffer ring is held until the request's last CQE is passed.
     *
     * @param fd a socket
     * @param bufRing a buffer ring registered with this IoUring
     * @param msgFlags {@code MSG_*} flags
     * @param multishot keep receiving
     * @param userData returned in every CQE
     * @return false if the SQ is full
     * @throws IllegalArgumentException if fd is negative or bufRing belongs to another ring
     * @throws NullPointerException if bufRing is null
     * @throws IllegalStateException if this ring or bufRing is closed
     */
    public boolean prepRecv(int fd, IoUringBufRing bufRing, int msgFlags, boolean multishot, long userData) {
        Check.fd(fd);
        if (bufRing.owner != owner) {
            throw new IllegalArgumentException(bufRing + " is registered with another IoUring");
        }
        bufRing.checkOpen();
        try {
            int at = nextSqe(IORING_OP_RECV, fd, userData, bufRing);
            if (at < 0) {
                return false;
            }
            sqes.putInt(at + IoUringSys.SQE_OP_FLAGS, msgFlags);
            sqes.put(at + IoUringSys.SQE_FLAGS, (byte) IOSQE_BUFFER_SELECT);
            sqes.putShort(at + IoUringSys.SQE_BUF_GROUP, (short) bufRing.bgid());
            sqes.putShort(at + IoUringSys.SQE_IOPRIO, (short) (multishot ? IORING_RECV_MULTISHOT : 0));
            return true;
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    /**
     * {@code IORING_OP_SEND} of {@code buffer}'s bytes from position to limit:
     * {@code send(fd, buf, len, msgFlags)}; res is the byte count or -errno. The buffer is
     * held until the CQE is passed; its position is not moved.
     *
     * @param fd a socket
     * @param buffer a direct buffer (read-only is fine)
     * @param msgFlags {@code MSG_*} flags
     * @param userData returned in the CQE
     * @return false if the SQ is full
     * @throws IllegalArgumentException if fd is negative or the buffer is not direct
     * @throws NullPointerException if buffer is null
     * @throws IllegalStateException if closed
     */
    public boolean prepSend(int fd, ByteBuffer buffer, int msgFlags, long userData) {
        return prepTransfer(IORING_OP_SEND, fd, direct(buffer), msgFlags, 0, userData);
    }

    /**
     * {@code IORING_OP_READ}: {@code pread(fd, buf, len, offset)} into {@code buffer}'s
     * bytes from position to limit; offset -1 reads at the file position (pipes, sockets;
     * {@link #IORING_FEAT_RW_CUR_POS}). Res is the byte count, 0 at EOF, or -errno.
     *
     * @param fd the fd
     * @param buffer a writable direct buffer, held until the CQE is passed
     * @param offset the file offset, or -1
     * @param userData returned in the CQE
     * @return false if the SQ is full
     * @throws IllegalArgumentException if fd is negative or the buffer is not direct
     * @throws ReadOnlyBufferException if the buffer is read-only
     * @throws NullPointerException if buffer is null
     * @throws IllegalStateException if closed
     */
    public boolean prepRead(int fd, ByteBuffer buffer, long offset, long userData) {
        return prepTransfer(IORING_OP_READ, fd, writable(buffer), 0, offset, userData);
    }

    /**
     * {@code IORING_OP_WRITE}: {@code pwrite(fd, buf, len, offset)} of {@code buffer}'s bytes
     * from position to limit; offset -1 writes at the file position.
     *
     * @param fd the fd
     * @param buffer a direct buffer (read-only is fine), held until the CQE is passed
     * @param offset the file offset, or -1
     * @param userData returned in the CQE
     * @return false if the SQ is full
     * @throws IllegalArgumentException if fd is negative or the buffer is not direct
     * @throws NullPointerException if buffer is null
     * @throws IllegalStateException if closed
     */
    public boolean prepWrite(int fd, ByteBuffer buffer, long offset, long userData) {
        return prepTransfer(IORING_OP_WRITE, fd, direct(buffer), 0, offset, userData);
    }

    private static ByteBuffer direct(ByteBuffer buffer) {
        if (!buffer.isDirect()) {
            throw new IllegalArgumentException("io_uring needs a direct buffer: the kernel uses its memory"
                    + " after the call returns, and a heap buffer can move");
        }
        return buffer;
    }

    private static ByteBuffer writable(ByteBuffer buffer) {
        direct(buffer);
        if (buffer.isReadOnly()) {
            throw new ReadOnlyBufferException();
        }
        return buffer;
    }

    private boolean prepTransfer(int opcode, int fd, ByteBuffer buffer, int msgFlags, long offset, long userData) {
        Check.fd(fd);
        owner.checkOpen("IoUring");
        int position = buffer.position();
        int length = Math.max(0, buffer.limit() - position); // one read of each: a racing change stays inside
        long address = address(buffer) + Math.min(position, buffer.capacity());
        try {
            int at = nextSqe(opcode, fd, userData, buffer);
            if (at < 0) {
                return false;
            }
            sqes.putLong(at + IoUringSys.SQE_ADDR, address);
            sqes.putInt(at + IoUringSys.SQE_LEN, Math.min(length, buffer.capacity() - Math.min(position,
                    buffer.capacity())));
            sqes.putLong(at + IoUringSys.SQE_OFF, offset);
            sqes.putInt(at + IoUringSys.SQE_OP_FLAGS, msgFlags);
            return true;
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    /** The buffer's address, from a 64-entry cache keyed by identity (a miss is one JNI call). */
    private long address(ByteBuffer buffer) {
        int slot = System.identityHashCode(buffer) & (cachedBuffers.length - 1);
        if (cachedBuffers[slot] == buffer) {
            return cachedAddresses[slot];
        }
        long address = Native.addressOf(buffer);
        cachedAddresses[slot] = address;
        cachedBuffers[slot] = buffer;
        return address;
    }

    /**
     * {@code IORING_OP_TIMEOUT}: completes after {@code timeoutNanos} with {@code -ETIME}
     * (res 0 with {@link #IORING_TIMEOUT_ETIME_SUCCESS}), or earlier with res 0 once
     * {@code count} other requests have completed (0: time only). The
     * {@code struct __kernel_timespec} lives in jmux memory of this SQE's slot.
     *
     * @param timeoutNanos relative nanoseconds (absolute with {@link #IORING_TIMEOUT_ABS});
     *     negative values reach the kernel as a negative {@code tv_sec}: {@code -EINVAL}
     * @param count completions to wait for (unsigned), or 0
     * @param flags {@code IORING_TIMEOUT_*} bits, passed through
     * @param userData returned in the CQE
     * @return false if the SQ is full
     * @throws UnsupportedOperationException without {@link #IORING_FEAT_SUBMIT_STABLE}
     * @throws IllegalStateException if closed
     */
    public boolean prepTimeout(long timeoutNanos, int count, int flags, long userData) {
        checkSubmitStable("prepTimeout");
        try {
            int at = nextSqe(IORING_OP_TIMEOUT, -1, userData, null);
            if (at < 0) {
                return false;
            }
            int slot = at / sqeSize * SCRATCH;
            scratch.putLong(slot + IoUringSys.TS_SEC, Math.floorDiv(timeoutNanos, 1_000_000_000L));
            scratch.putLong(slot + IoUringSys.TS_NSEC, Math.floorMod(timeoutNanos, 1_000_000_000L));
            sqes.putLong(at + IoUringSys.SQE_ADDR, scratchAddress + slot);
            sqes.putInt(at + IoUringSys.SQE_LEN, 1);
            sqes.putLong(at + IoUringSys.SQE_OFF, Integer.toUnsignedLong(count));
            sqes.putInt(at + IoUringSys.SQE_OP_FLAGS, flags);
            return true;
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    /**
     * {@code IORING_OP_CLOSE}: {@code close(fd)}, asynchronously; res 0 or -errno. The
     * number is free once the CQE arrives (do not close it twice).
     *
     * @param fd the fd to close
     * @param userData returned in the CQE
     * @return false if the SQ is full
     * @throws IllegalArgumentException if fd is negative
     * @throws IllegalStateException if closed
     */
    public boolean prepClose(int fd, long userData) {
        Check.fd(fd);
        try {
            return nextSqe(IORING_OP_CLOSE, fd, userData, null) >= 0;
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    /**
     * Adds {@code IOSQE_*} flags to the SQE prepared last (not yet submitted), as
     * {@code io_uring_sqe_set_flags} does: {@link #IOSQE_IO_LINK}, {@link #IOSQE_IO_HARDLINK},
     * {@link #IOSQE_IO_DRAIN}, {@link #IOSQE_ASYNC}, {@link #IOSQE_FIXED_FILE}.
     * {@link #IOSQE_CQE_SKIP_SUCCESS} is refused: jmux counts each request's last CQE to
     * know when its buffers are free, and a request without one would hold them forever.
     * {@link #IOSQE_BUFFER_SELECT} is refused: it needs a buffer group jmux holds, which
     * {@link #prepRecv(int, IoUringBufRing, int, boolean, long)} sets up.
     *
     * @param iosqeFlags flags to add (8 bits)
     * @throws IllegalArgumentException for bits past 8, CQE_SKIP_SUCCESS or BUFFER_SELECT
     * @throws IllegalStateException if no SQE was prepared since the last submit, or closed
     */
    public void setSqeFlags(int iosqeFlags) {
        if ((iosqeFlags & ~0xFF) != 0) {
            throw new IllegalArgumentException("IOSQE flags 0x" + Integer.toHexString(iosqeFlags)
                    + " do not fit the SQE's 8-bit flags");
        }
        if ((iosqeFlags & (IOSQE_CQE_SKIP_SUCCESS | IOSQE_BUFFER_SELECT)) != 0) {
            throw new IllegalArgumentException("IOSQE_CQE_SKIP_SUCCESS and IOSQE_BUFFER_SELECT are not"
                    + " settable here: jmux needs every request's last CQE, and sets BUFFER_SELECT itself");
        }
        owner.checkOpen("IoUring");
        if (lastSqe < 0) {
            throw new IllegalStateException("no SQE prepared since the last submit");
        }
        try {
            int at = lastSqe + IoUringSys.SQE_FLAGS;
            sqes.put(at, (byte) (sqes.get(at) | iosqeFlags));
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    private void checkSubmitStable(String what) {
        if ((features & IORING_FEAT_SUBMIT_STABLE) == 0) {
            throw new UnsupportedOperationException(what + " needs IORING_FEAT_SUBMIT_STABLE (Linux 5.5):"
                    + " its argument lives in jmux memory that is reused once the SQE is consumed");
        }
    }

    // ---- submitting ----

    /** Publishes the prepared SQEs (release store of the SQ tail); traces each. */
    private void flush() {
        if (tail != published) {
            if (Trace.ON) {
                for (int t = published; t != tail; t++) {
                    IoUringSys.traceSqe(sqes, (t & sqMask) * sqeSize, t & sqMask);
                }
            }
            INT.setRelease(sq, sqTail, tail);
            published = tail;
        }
        lastSqe = -1;
    }

    private void checkIssuer() {
        Thread t = issuer;
        if (t != null && t != Thread.currentThread()) {
            throw new IllegalStateException("this IoUring was set up with IORING_SETUP_SINGLE_ISSUER"
                    + ((setupFlags & IORING_SETUP_DEFER_TASKRUN) != 0 ? "|IORING_SETUP_DEFER_TASKRUN" : "")
                    + " by thread \"" + t.getName() + "\"; the kernel lets only that thread call"
                    + " io_uring_enter, not \"" + Thread.currentThread().getName() + "\"");
        }
    }

    /** SQ flags asking for an enter with GETEVENTS: held overflow CQEs, pending task work. */
    private boolean cqNeedsFlush() {
        return ((int) INT.getAcquire(sq, sqFlagsAt) & (IORING_SQ_CQ_OVERFLOW | IORING_SQ_TASKRUN)) != 0;
    }

    /**
     * Submits the prepared SQEs: a release store of the SQ tail, then
     * {@code io_uring_enter(fd, n, 0, flags, NULL, 8)} with the number the kernel has not
     * consumed. Adds {@code IORING_ENTER_GETEVENTS} when the SQ flags show held overflow
     * CQEs or pending task work, so those are flushed. With {@link #IORING_SETUP_SQPOLL} no
     * syscall is made unless the poll thread sleeps ({@link #IORING_SQ_NEED_WAKEUP}, read
     * after a full fence): then {@code IORING_ENTER_SQ_WAKEUP}. Makes no syscall if nothing
     * is pending. {@code EINTR} is retried (nothing was consumed).
     *
     * @return the number of SQEs the kernel consumed (SQPOLL: published); fewer than
     *     prepared if one failed at submission (its CQE carries the error; the rest stay
     *     queued for the next submit)
     * @throws ErrnoException {@code EBUSY}/{@code EAGAIN} (too many requests in flight, or
     *     the CQ overflowed without {@link #IORING_FEAT_NODROP}), {@code EBADFD} (ring still
     *     disabled), {@code EEXIST}, {@code EINVAL}
     * @throws IllegalStateException if closed, or another thread than the single issuer calls
     */
    public int submit() throws ErrnoException {
        owner.checkOpen("IoUring");
        checkIssuer();
        try {
            int before = published;
            flush();
            int flags = 0;
            if (sqPoll) {
                VarHandle.fullFence();
                if (((int) INT.getAcquire(sq, sqFlagsAt) & IORING_SQ_NEED_WAKEUP) == 0 && !cqNeedsFlush()) {
                    return published - before;
                }
                flags |= IoUringSys.IORING_ENTER_SQ_WAKEUP;
            }
            boolean flushCq = cqNeedsFlush();
            if (flushCq) {
                flags |= IoUringSys.IORING_ENTER_GETEVENTS;
            }
            int pending = sqPoll ? 0 : published - (int) INT.getAcquire(sq, sqHead);
            if (pending == 0 && flags == 0) {
                return 0;
            }
            while (true) {
                int r = Sys.owned(IoUringSys.enter(owner, pending, 0, flags, -1), "IoUring");
                if (r >= 0) {
                    return sqPoll ? published - before : r;
                }
                if (r != -EINTR) {
                    throw Sys.error(r, "io_uring_enter", owner.fd + ", " + pending + ", 0, "
                            + IoUringSys.ENTER_FLAGS.flags(flags));
                }
                owner.checkOpen("IoUring"); // closed meanwhile: the signal was the wake-up
            }
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    /**
     * {@link #submitAndWait(int, long)} without a timeout.
     *
     * @param minComplete CQEs to wait for (unsigned)
     * @return the number of SQEs submitted
     * @throws ErrnoException as {@link #submitAndWait(int, long)}
     */
    public int submitAndWait(int minComplete) throws ErrnoException {
        return submitAndWait(minComplete, -1);
    }

    /**
     * Submits the prepared SQEs and waits until {@code minComplete} CQEs are ready:
     * {@code io_uring_enter(fd, n, minComplete, IORING_ENTER_GETEVENTS, ...)}, with the
     * timeout in a {@code struct io_uring_getevents_arg} ({@code IORING_ENTER_EXT_ARG},
     * {@link #IORING_FEAT_EXT_ARG}, Linux 5.11) when it is not negative. GETEVENTS also
     * flushes CQEs held after a CQ overflow and runs deferred task work (DEFER_TASKRUN rings
     * post their CQEs only here). A wait: {@code EINTR} restarts it with the remaining
     * timeout (and nothing more to submit); a timeout ({@code ETIME}) returns normally, so
     * check {@link #cqReady()}; a close from another thread wakes it and it returns.
     * Pins a virtual thread's carrier while it blocks.
     *
     * @param minComplete CQEs to wait for (unsigned; the kernel caps it at the CQ size); 0
     *     flushes without waiting
     * @param timeoutNanos 0 does not block; negative waits without a timeout
     * @return the number of SQEs submitted
     * @throws ErrnoException {@code EBUSY}, {@code EAGAIN}, {@code EBADFD}, {@code EEXIST},
     *     {@code EINVAL} (e.g. a timeout on a kernel without EXT_ARG)
     * @throws IllegalStateException if closed before the call, or another thread than the
     *     single issuer calls
     */
    public int submitAndWait(int minComplete, long timeoutNanos) throws ErrnoException {
        owner.checkOpen("IoUring");
        checkIssuer();
        try {
            flush();
            int flags = IoUringSys.IORING_ENTER_GETEVENTS;
            if (sqPoll) {
                VarHandle.fullFence();
                if (((int) INT.getAcquire(sq, sqFlagsAt) & IORING_SQ_NEED_WAKEUP) != 0) {
                    flags |= IoUringSys.IORING_ENTER_SQ_WAKEUP;
                }
            }
            long need = Math.min(Integer.toUnsignedLong(minComplete), cqEntries);
            long start = timeoutNanos > 0 ? System.nanoTime() : 0;
            long remaining = timeoutNanos;
            int submitted = 0;
            while (true) {
                int pending = sqPoll ? 0 : published - (int) INT.getAcquire(sq, sqHead);
                int r = IoUringSys.enter(owner, pending, minComplete, flags, remaining);
                if (r == Owner.ECLOSED || !owner.isOpen()) {
                    return submitted + Math.max(r, 0); // closed before or during the wait
                }
                if (r >= 0) {
                    submitted += r;
                    // A wait cut short by a signal after a submission returns the count, not
                    // EINTR: wait on, with nothing more to submit. Otherwise the wait is done.
                    if (r == 0 || ready() >= need) {
                        return submitted;
                    }
                } else if (r == -ETIME) {
                    return submitted;
                } else if (r != -EINTR) {
                    throw Sys.error(r, "io_uring_enter", owner.fd + ", " + pending + ", " + minComplete + ", "
                            + IoUringSys.ENTER_FLAGS.flags(flags) + ", timeout=" + timeoutNanos + "ns");
                }
                if (timeoutNanos == 0) {
                    return submitted;
                }
                remaining = Timeouts.remainingNanos(timeoutNanos, start);
                if (timeoutNanos > 0 && remaining == 0) {
                    return submitted;
                }
                flags &= ~IoUringSys.IORING_ENTER_SQ_WAKEUP;
            }
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    // ---- reaping CQEs ----

    private int ready() {
        return (int) INT.getAcquire(cq, cqTail) - cqHeadLocal;
    }

    /**
     * The number of CQEs ready: an acquire load of the kernel's CQ tail, minus our head. No
     * syscall. They are read with {@link #cqeUserData}, {@link #cqeRes}, {@link #cqeFlags}
     * (index 0 is the oldest) and passed with {@link #cqAdvance}. CQEs held after an overflow
     * and (DEFER_TASKRUN) deferred ones appear only after an enter with GETEVENTS.
     *
     * @return CQEs ready
     * @throws IllegalStateException if closed
     */
    public int cqReady() {
        owner.checkOpen("IoUring");
        try {
            cqSeen = ready();
            return cqSeen;
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    private int cqeAt(int index) {
        owner.checkOpen("IoUring");
        if (index < 0 || index >= cqSeen) {
            throw new IndexOutOfBoundsException("CQE index " + index + " out of range [0, " + cqSeen
                    + ") (the CQEs seen by the last cqReady, not yet advanced past)");
        }
        return cqes + ((cqHeadLocal + index) & cqMask) * cqeSize;
    }

    /**
     * {@code cqe->user_data} of ready CQE {@code index}.
     *
     * @param index 0 .. (the last {@link #cqReady()} minus CQEs advanced since) - 1
     * @return the SQE's user_data
     * @throws IndexOutOfBoundsException if index is out of that range
     * @throws IllegalStateException if closed
     */
    public long cqeUserData(int index) {
        try {
            return cq.getLong(cqeAt(index) + IoUringSys.CQE_USER_DATA);
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    /**
     * {@code cqe->res} of ready CQE {@code index}: the operation's result, or -errno.
     *
     * @param index as {@link #cqeUserData}
     * @return the result
     * @throws IndexOutOfBoundsException if index is out of range
     * @throws IllegalStateException if closed
     */
    public int cqeRes(int index) {
        try {
            return cq.getInt(cqeAt(index) + IoUringSys.CQE_RES);
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    /**
     * {@code cqe->flags} of ready CQE {@code index}: {@link #IORING_CQE_F_MORE},
     * {@link #IORING_CQE_F_BUFFER} (with the buffer id above {@link #IORING_CQE_BUFFER_SHIFT}),
     * {@link #IORING_CQE_F_SOCK_NONEMPTY}.
     *
     * @param index as {@link #cqeUserData}
     * @return the flags
     * @throws IndexOutOfBoundsException if index is out of range
     * @throws IllegalStateException if closed
     */
    public int cqeFlags(int index) {
        try {
            return cq.getInt(cqeAt(index) + IoUringSys.CQE_FLAGS);
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    /**
     * The provided buffer's id in ready CQE {@code index}:
     * {@code flags >> IORING_CQE_BUFFER_SHIFT} if {@link #IORING_CQE_F_BUFFER} is set.
     *
     * @param index as {@link #cqeUserData}
     * @return the buffer id, or -1 if the CQE names no buffer
     * @throws IndexOutOfBoundsException if index is out of range
     * @throws IllegalStateException if closed
     */
    public int cqeBufferId(int index) {
        int flags = cqeFlags(index);
        return (flags & IORING_CQE_F_BUFFER) != 0 ? flags >>> IORING_CQE_BUFFER_SHIFT : -1;
    }

    /**
     * Passes {@code n} ready CQEs: one release store of the CQ head for the batch, so the
     * kernel may reuse their slots. A request whose last CQE (no {@link #IORING_CQE_F_MORE})
     * is among them ends here, and the buffers it held are let go.
     *
     * @param n 0 .. the CQEs seen by the last {@link #cqReady()} and not yet advanced past
     * @throws IllegalArgumentException if n is out of that range
     * @throws IllegalStateException if closed
     */
    public void cqAdvance(int n) {
        owner.checkOpen("IoUring");
        if (n < 0 || n > cqSeen) {
            throw new IllegalArgumentException("cannot advance past " + n + " CQEs: " + cqSeen
                    + " seen by the last cqReady and not yet advanced past");
        }
        try {
            for (int i = 0; i < n; i++) {
                int at = cqes + ((cqHeadLocal + i) & cqMask) * cqeSize;
                if ((cq.getInt(at + IoUringSys.CQE_FLAGS) & IORING_CQE_F_MORE) == 0) {
                    inFlight.end(cq.getLong(at + IoUringSys.CQE_USER_DATA));
                }
            }
            cqHeadLocal += n;
            cqSeen -= n;
            INT.setRelease(cq, cqHead, cqHeadLocal);
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    // ---- register ----

    /**
     * {@code io_uring_register(fd, IORING_REGISTER_ENABLE_RINGS, NULL, 0)}: starts a ring set
     * up with {@link #IORING_SETUP_R_DISABLED}. With {@link #IORING_SETUP_SINGLE_ISSUER} the
     * calling thread becomes the issuer.
     *
     * @throws ErrnoException {@code EBADFD} (not disabled), {@code EINVAL}
     * @throws IllegalStateException if closed
     */
    public void enableRings() throws ErrnoException {
        owner.checkOpen("IoUring");
        int r = Sys.owned(IoUringSys.register(owner, IORING_REGISTER_ENABLE_RINGS, null, 0, 0), "IoUring");
        if (r < 0) {
            throw Sys.error(r, "io_uring_register", owner.fd + ", IORING_REGISTER_ENABLE_RINGS");
        }
        if ((setupFlags & IORING_SETUP_SINGLE_ISSUER) != 0) {
            issuer = Thread.currentThread();
        }
    }

    /**
     * Whether this kernel supports {@code opcode}: {@code IORING_REGISTER_PROBE} (Linux 5.6),
     * asked once per ring, then {@code IO_URING_OP_SUPPORTED} of the opcode's entry.
     *
     * @param opcode an {@code IORING_OP_*} value, 0 .. 255
     * @return true if supported
     * @throws ErrnoException {@code EINVAL} on kernels without the probe
     * @throws IllegalArgumentException if opcode does not fit the probe's 8-bit field
     * @throws IllegalStateException if closed
     */
    public boolean supports(int opcode) throws ErrnoException {
        if (opcode < 0 || opcode > 255) {
            throw new IllegalArgumentException("opcode " + opcode + " does not fit an SQE's 8-bit opcode");
        }
        owner.checkOpen("IoUring");
        boolean[] ops = probed;
        if (ops == null) {
            int n = 256;
            ByteBuffer probe = ByteBuffer.allocateDirect(IoUringSys.SIZEOF_PROBE + n * IoUringSys.SIZEOF_PROBE_OP)
                    .order(ByteOrder.nativeOrder());
            int r = Sys.owned(IoUringSys.register(owner, IORING_REGISTER_PROBE, probe, Native.addressOf(probe), n),
                    "IoUring");
            if (r < 0) {
                throw Sys.error(r, "io_uring_register", owner.fd + ", IORING_REGISTER_PROBE, " + n);
            }
            ops = new boolean[n];
            int len = probe.get(IoUringSys.PROBE_OPS_LEN) & 0xFF;
            for (int i = 0; i < len; i++) {
                int at = IoUringSys.PROBE_OPS + i * IoUringSys.SIZEOF_PROBE_OP;
                ops[i] = (probe.getShort(at + IoUringSys.PROBE_OP_FLAGS) & IO_URING_OP_SUPPORTED) != 0;
            }
            probed = ops;
        }
        return ops[opcode];
    }

    /**
     * Registers a provided buffer ring ({@code IORING_REGISTER_PBUF_RING}, Linux 5.19) of
     * {@code entries} buffers of {@code bufferSize} bytes as buffer group {@code bgid}, all
     * of them provided to the kernel. The buffers and the ring live in jmux-owned memory.
     *
     * @param entries a power of two, 1 .. 32768 (the kernel checks)
     * @param bufferSize bytes per buffer, at least 1
     * @param bgid the buffer group id, 0 .. 65535
     * @return the buffer ring
     * @throws ErrnoException {@code EEXIST} (bgid taken), {@code EINVAL}
     * @throws IllegalArgumentException for sizes jmux cannot allocate or a bgid past 16 bits
     * @throws IllegalStateException if closed
     */
    public IoUringBufRing registerBufRing(int entries, int bufferSize, int bgid) throws ErrnoException {
        owner.checkOpen("IoUring");
        IoUringBufRing r = new IoUringBufRing(owner, bufRings, entries, bufferSize, bgid);
        synchronized (bufRings) {
            bufRings.add(r);
        }
        return r;
    }

    Owner owner() {
        return owner;
    }

    /** Distinct user_data values with requests in flight (tests). */
    int inFlightCount() {
        return inFlight.size();
    }

    // ---- closing ----

    /**
     * Closes the ring fd (once no call is in flight), wakes a thread blocked in
     * {@link #submitAndWait} (it returns), and makes every later use throw
     * {@link IllegalStateException}. Idempotent and thread-safe. The rings stay mapped until
     * this object is unreachable, and the kernel keeps the ring and its requests alive while
     * they are: cancel and reap requests that hold files (an armed accept holds the
     * listening socket) before closing if those must go now.
     */
    @Override
    public void close() {
        owner.close();
    }

    @Override
    public String toString() {
        return "IoUring[fd=" + owner.fd + ", sq=" + sqEntries + ", cq=" + cqEntries + ", flags="
                + IoUringSys.SETUP_FLAGS.flags(setupFlags) + (isOpen() ? "]" : ", closed]");
    }

    private static int knownSetupFlags() {
        int all = 0;
        for (long v : Native.constantsWithPrefix("IORING_SETUP_").values()) {
            all |= (int) v;
        }
        return all;
    }

    /** The Cleaner's action: unmaps the rings; holds the buffers in flight until then. */
    private static final class Unmap implements Runnable {
        private final long sqAddress;
        private final long sqLength;
        private final long cqAddress;
        private final long cqLength;
        private final long sqesAddress;
        private final long sqesLength;
        private Object inFlight;
        private Object bufRings;

        Unmap(long sqAddress, long sqLength, long cqAddress, long cqLength, long sqesAddress, long sqesLength,
              Object inFlight, Object bufRings) {
            this.sqAddress = sqAddress;
            this.sqLength = sqLength;
            this.cqAddress = cqAddress;
            this.cqLength = cqLength;
            this.sqesAddress = sqesAddress;
            this.sqesLength = sqesLength;
            this.inFlight = inFlight;
            this.bufRings = bufRings;
        }

        @Override
        public void run() {
            IoUringSys.unmap(sqAddress, sqLength);
            if (cqLength != 0) {
                IoUringSys.unmap(cqAddress, cqLength);
            }
            IoUringSys.unmap(sqesAddress, sqesLength);
            Reference.reachabilityFence(inFlight);
            Reference.reachabilityFence(bufRings);
            inFlight = null;
            bufRings = null;
        }
    }

    /**
     * Requests in flight per user_data, with the buffers they hold: open addressing over
     * primitive arrays, so counting a request in and out allocates nothing (the table grows,
     * rarely, by doubling; several pinned requests sharing one user_data take a list).
     */
    static final class InFlight {
        private long[] keys = new long[64];
        private int[] counts = new int[64];
        private Object[] pins = new Object[64];
        private int size;

        private static int hash(long key) {
            long h = key * 0x9E3779B97F4A7C15L;
            return (int) (h ^ (h >>> 32));
        }

        void begin(long key, Object pin) {
            int mask = keys.length - 1;
            int i = hash(key) & mask;
            while (counts[i] != 0) {
                if (keys[i] == key) {
                    counts[i]++;
                    addPin(i, pin);
                    return;
                }
                i = (i + 1) & mask;
            }
            keys[i] = key;
            counts[i] = 1;
            pins[i] = pin;
            if (++size * 2 > keys.length) {
                grow();
            }
        }

        @SuppressWarnings("unchecked")
        private void addPin(int i, Object pin) {
            if (pin == null) {
                return;
            }
            Object held = pins[i];
            if (held == null) {
                pins[i] = pin;
            } else if (held instanceof Many) {
                ((Many) held).add(pin);
            } else {
                Many many = new Many();
                many.add(held);
                many.add(pin);
                pins[i] = many;
            }
        }

        void end(long key) {
            int mask = keys.length - 1;
            int i = hash(key) & mask;
            while (counts[i] != 0) {
                if (keys[i] == key) {
                    if (--counts[i] == 0) {
                        removeAt(i);
                    }
                    return;
                }
                i = (i + 1) & mask;
            }
            // A CQE jmux did not count (another ring's IORING_OP_MSG_RING): nothing held.
        }

        /** Backward-shift deletion, so lookups never need tombstones. */
        private void removeAt(int hole) {
            int mask = keys.length - 1;
            int i = hole;
            int j = hole;
            while (true) {
                j = (j + 1) & mask;
                if (counts[j] == 0) {
                    break;
                }
                int home = hash(keys[j]) & mask;
                boolean stays = i <= j ? (i < home && home <= j) : (i < home || home <= j);
                if (!stays) {
                    keys[i] = keys[j];
                    counts[i] = counts[j];
                    pins[i] = pins[j];
                    i = j;
                }
            }
            keys[i] = 0;
            counts[i] = 0;
            pins[i] = null;
            size--;
        }

        private void grow() {
            long[] oldKeys = keys;
            int[] oldCounts = counts;
            Object[] oldPins = pins;
            keys = new long[oldKeys.length * 2];
            counts = new int[oldKeys.length * 2];
            pins = new Object[oldKeys.length * 2];
            int mask = keys.length - 1;
            for (int k = 0; k < oldKeys.length; k++) {
                if (oldCounts[k] != 0) {
                    int i = hash(oldKeys[k]) & mask;
                    while (counts[i] != 0) {
                        i = (i + 1) & mask;
                    }
                    keys[i] = oldKeys[k];
                    counts[i] = oldCounts[k];
                    pins[i] = oldPins[k];
                }
            }
        }

        int size() {
            return size;
        }

        /** Several buffers held under one user_data. */
        private static final class Many extends ArrayList<Object> {
            private static final long serialVersionUID = 1L;
        }
    }

    /** Probed once: can this process set up a ring, and with which flags? */
    private static final class Availability {
        static final String CAUSE = probe();

        private static String probe() {
            Throwable failure = Native.loadFailure();
            if (failure != null) {
                return "jmux native library unavailable: " + failure.getMessage();
            }
            int r = trySetup(0, 0);
            return r == 0 ? null : cause(-r);
        }

        /** 0 if a one-entry ring with these flags can be set up (and is closed again), else -errno. */
        private static int trySetup(int flags, int cqEntries) {
            ByteBuffer p = params(flags, cqEntries, 0, 0, 0);
            int fd = IoUringSys.setup(1, p, Native.addressOf(p));
            if (fd < 0) {
                return fd;
            }
            FdSys.close(fd);
            return 0;
        }

        static int probeFlags() {
            int[][] tries = {
                {IORING_SETUP_CQSIZE, 0}, {IORING_SETUP_CLAMP, 0}, {IORING_SETUP_SUBMIT_ALL, 0},
                {IORING_SETUP_COOP_TASKRUN, 0}, {IORING_SETUP_TASKRUN_FLAG, IORING_SETUP_COOP_TASKRUN},
                {IORING_SETUP_SINGLE_ISSUER, 0}, {IORING_SETUP_DEFER_TASKRUN, IORING_SETUP_SINGLE_ISSUER},
                {IORING_SETUP_R_DISABLED, 0}, {IORING_SETUP_SQE128, 0}, {IORING_SETUP_CQE32, 0},
            };
            int ok = 0;
            for (int[] t : tries) {
                if (trySetup(t[0] | t[1], 2) == 0) {
                    ok |= t[0];
                }
            }
            return ok;
        }

        static String cause(int errno) {
            String answer = "io_uring_setup(2) answers " + Errno.name(errno) + " (" + Errno.description(errno) + ")";
            if (errno == Errno.ENOSYS) {
                return "io_uring is absent: " + answer + ": the kernel predates io_uring (Linux 5.1) or was"
                        + " built without CONFIG_IO_URING" + (seccomp() ? "; or the seccomp filter this"
                        + " process runs under answers ENOSYS for it" : "");
            }
            if (errno == Errno.EPERM) {
                String sysctl = read("/proc/sys/kernel/io_uring_disabled");
                String why;
                if ("2".equals(sysctl)) {
                    why = "the sysctl kernel.io_uring_disabled is 2 (io_uring off for every process)";
                } else if ("1".equals(sysctl)) {
                    why = "the sysctl kernel.io_uring_disabled is 1 and this process is neither in"
                            + " kernel.io_uring_group nor CAP_SYS_ADMIN";
                } else if (seccomp()) {
                    why = "a seccomp filter refuses the call (as the default profiles of container"
                            + " runtimes do)";
                } else {
                    why = "a security policy (the kernel.io_uring_disabled sysctl, a seccomp filter or an"
                            + " LSM) refuses the call";
                }
                return "io_uring is disabled: " + answer + ": " + why;
            }
            if (errno == Errno.ENOMEM) {
                return "io_uring is limited: " + answer + ": the rings could not be allocated; kernels"
                        + " before 5.12 charge them to RLIMIT_MEMLOCK (ulimit -l)";
            }
            return "io_uring is unavailable: " + answer;
        }

        private static boolean seccomp() {
            String status = read("/proc/self/status");
            return status != null && status.matches("(?s).*\\nSeccomp:\\s*2\\b.*");
        }

        private static String read(String path) {
            try {
                return Files.readString(Path.of(path)).trim();
            } catch (java.io.IOException | RuntimeException e) {
                return null;
            }
        }
    }
}
