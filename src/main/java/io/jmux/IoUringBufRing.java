package io.jmux;

import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * A provided buffer ring ({@code IORING_REGISTER_PBUF_RING}, Linux 5.19): a ring of
 * {@code struct io_uring_buf} entries, shared with the kernel, from which a recv with
 * {@code IOSQE_BUFFER_SELECT} takes a buffer when data arrives. Made by
 * {@link IoUring#registerBufRing}; filled from Java.
 *
 * <pre>{@code
 * struct io_uring_buf { __u64 addr; __u32 len; __u16 bid; __u16 resv; };
 * // the ring's 16-bit tail overlays bufs[0].resv; the kernel keeps the head to itself
 * }</pre>
 *
 * <p><b>Ownership:</b> the ring entries and the buffers are jmux-owned direct memory, freed
 * by the garbage collector only when nothing can use them: the IoUring holds this object
 * while it is registered, and every recv that may pick one of its buffers holds it until
 * that request's last CQE. {@link #buffer(int)} returns a view of one buffer (the same
 * object each call, made at registration; its position and limit are the caller's).
 *
 * <p><b>The cycle:</b> all buffers are provided at registration. Each CQE with
 * {@link IoUring#IORING_CQE_F_BUFFER} hands buffer {@link IoUring#cqeBufferId} to the
 * application; {@link #provide(int)} gives it back once its bytes are consumed. When every
 * buffer is out, a recv completes with {@code -ENOBUFS} (a multishot recv ends: re-arm it
 * after providing). Providing a buffer the kernel still holds makes two requests share it:
 * a data mix-up, never memory outside this object, since every entry points inside it.
 * Driven by the ring's thread, as the ring is.
 */
public final class IoUringBufRing {
    private static final int IORING_REGISTER_PBUF_RING = Native.constant("IORING_REGISTER_PBUF_RING");
    private static final int IORING_UNREGISTER_PBUF_RING = Native.constant("IORING_UNREGISTER_PBUF_RING");
    /** The kernel's limit on entries; also what a 16-bit buffer id and tail can count. */
    private static final int MAX_ENTRIES = 32768;

    /** The owning ring's lifecycle: checked before use, and the fd io_uring_register takes. */
    final Owner owner;
    /** The owning ring's list of registered buffer rings, which keeps this one reachable. */
    private final List<IoUringBufRing> registry;
    private final int entries;
    private final int bufferSize;
    private final int bgid;
    private final ByteBuffer entriesMemory;
    private final ByteBuffer buffers;
    private final long buffersAddress;
    private final ByteBuffer[] views;
    private int tail;
    private volatile boolean closed;

    IoUringBufRing(Owner owner, List<IoUringBufRing> registry, int entries, int bufferSize, int bgid)
            throws ErrnoException {
        if (entries < 1 || entries > MAX_ENTRIES) {
            throw new IllegalArgumentException("buffer ring entries must be 1.." + MAX_ENTRIES + " (a power of"
                    + " two), got " + entries);
        }
        long page = IoUringSys.pageSize();
        if (bufferSize < 1 || (long) entries * bufferSize > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("buffer size " + bufferSize + " x " + entries + " entries must be"
                    + " 1 .. " + Integer.MAX_VALUE + " bytes in all (one direct buffer)");
        }
        if (bgid < 0 || bgid > 0xFFFF) {
            throw new IllegalArgumentException("bgid " + bgid + " does not fit the SQE's 16-bit buf_group");
        }
        this.owner = owner;
        this.registry = registry;
        this.entries = entries;
        this.bufferSize = bufferSize;
        this.bgid = bgid;
        // The kernel wants the ring page-aligned; alignedSlice also rounds the limit down to pages.
        long pages = (entries * (long) IoUringSys.SIZEOF_BUF + page - 1) / page * page;
        this.entriesMemory = ByteBuffer.allocateDirect((int) (pages + page)).alignedSlice((int) page)
                .order(ByteOrder.nativeOrder());
        this.buffers = ByteBuffer.allocateDirect(entries * bufferSize).order(ByteOrder.nativeOrder());
        this.buffersAddress = Native.addressOf(buffers);
        this.views = new ByteBuffer[entries];
        for (int bid = 0; bid < entries; bid++) {
            views[bid] = buffers.slice(bid * bufferSize, bufferSize);
            put(bid);
        }
        publish();
        ByteBuffer reg = reg();
        reg.putLong(IoUringSys.BUF_REG_RING_ADDR, Native.addressOf(entriesMemory));
        reg.putInt(IoUringSys.BUF_REG_RING_ENTRIES, entries);
        int r = register(IORING_REGISTER_PBUF_RING, reg, Native.addressOf(reg), 1);
        if (r < 0) {
            throw Sys.error(r, "io_uring_register", owner.fd + ", IORING_REGISTER_PBUF_RING, {ring_entries="
                    + entries + ", bgid=" + bgid + "}, 1");
        }
    }

    private ByteBuffer reg() {
        ByteBuffer reg = ByteBuffer.allocateDirect(IoUringSys.SIZEOF_BUF_REG).order(ByteOrder.nativeOrder());
        reg.putShort(IoUringSys.BUF_REG_BGID, (short) bgid);
        return reg;
    }

    private void put(int bid) {
        int at = (tail & (entries - 1)) * IoUringSys.SIZEOF_BUF;
        entriesMemory.putLong(at + IoUringSys.BUF_ADDR, buffersAddress + (long) bid * bufferSize);
        entriesMemory.putInt(at + IoUringSys.BUF_LEN, bufferSize);
        entriesMemory.putShort(at + IoUringSys.BUF_BID, (short) bid);
        tail++;
    }

    /** The 16-bit tail, after the entries: a release fence, then the store (a u16 has no setRelease view). */
    private void publish() {
        VarHandle.releaseFence();
        entriesMemory.putShort(IoUringSys.BUF_RING_TAIL, (short) tail);
    }

    void checkOpen() {
        if (closed) {
            throw Owner.closedException("IoUringBufRing");
        }
        owner.checkOpen("IoUring");
    }

    /**
     * Gives buffer {@code bid} (back) to the kernel: writes
     * {@code {addr, len = bufferSize, bid}} at the ring's tail and publishes the tail with a
     * release fence, as {@code io_uring_buf_ring_add} plus {@code io_uring_buf_ring_advance}
     * do. No syscall.
     *
     * @param bid 0 .. entries-1
     * @throws IndexOutOfBoundsException if bid is out of range
     * @throws IllegalStateException if this ring or its IoUring is closed
     */
    public void provide(int bid) {
        if (bid < 0 || bid >= entries) {
            throw new IndexOutOfBoundsException("buffer id " + bid + " out of range [0, " + entries + ")");
        }
        checkOpen();
        put(bid);
        publish();
    }

    /**
     * The memory of buffer {@code bid}: a direct buffer of {@link #bufferSize()} bytes, the
     * same object on every call. Read the {@code res} bytes a recv put there, then
     * {@link #provide(int)} it back.
     *
     * @param bid 0 .. entries-1
     * @return the view
     * @throws IndexOutOfBoundsException if bid is out of range
     * @throws IllegalStateException if closed
     */
    public ByteBuffer buffer(int bid) {
        if (bid < 0 || bid >= entries) {
            throw new IndexOutOfBoundsException("buffer id " + bid + " out of range [0, " + entries + ")");
        }
        if (closed) {
            throw Owner.closedException("IoUringBufRing");
        }
        return views[bid];
    }

    /**
     * The buffer group id recvs name.
     *
     * @return bgid
     */
    public int bgid() {
        return bgid;
    }

    /**
     * The number of buffers.
     *
     * @return ring entries
     */
    public int entries() {
        return entries;
    }

    /**
     * The size of each buffer.
     *
     * @return bytes
     */
    public int bufferSize() {
        return bufferSize;
    }

    /**
     * Whether this ring is still registered.
     *
     * @return false after {@link #close()}
     */
    public boolean isOpen() {
        return !closed && owner.isOpen();
    }

    /**
     * {@code io_uring_register(fd, IORING_UNREGISTER_PBUF_RING, {bgid}, 1)}: the kernel takes
     * no more buffers from it. Requests that already took one keep this object (and its
     * memory) alive until their last CQE. Idempotent; after the IoUring is closed only marks
     * this closed.
     *
     * @throws ErrnoException {@code EINVAL} if the kernel does not know the group
     */
    public void close() throws ErrnoException {
        if (closed) {
            return;
        }
        closed = true;
        synchronized (registry) {
            registry.remove(this);
        }
        if (!owner.isOpen()) {
            return;
        }
        ByteBuffer reg = reg();
        int r = register(IORING_UNREGISTER_PBUF_RING, reg, Native.addressOf(reg), 1);
        if (r < 0 && r != Owner.ECLOSED) {
            throw Sys.error(r, "io_uring_register", owner.fd + ", IORING_UNREGISTER_PBUF_RING, {bgid="
                    + bgid + "}, 1");
        }
    }

    private int register(int opcode, ByteBuffer arg, long address, int nrArgs) {
        return Sys.owned(IoUringSys.register(owner, opcode, arg, address, nrArgs), "IoUring");
    }

    @Override
    public String toString() {
        return "IoUringBufRing[bgid=" + bgid + ", entries=" + entries + ", bufferSize=" + bufferSize
                + (closed ? ", closed]" : "]");
    }
}
