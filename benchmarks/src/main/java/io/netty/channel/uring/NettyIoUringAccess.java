package io.netty.channel.uring;

import java.nio.ByteBuffer;

/**
 * Reaches the ring calls Netty's io_uring transport ({@code IoUringIoHandler}) makes, which
 * Netty keeps package-private: {@code Native.createRingBuffer}, {@code SubmissionQueue}
 * ({@code enqueueSqe}, {@code submit}, {@code submitAndGet}) and {@code CompletionQueue}
 * ({@code hasCompletions}, {@code process}). Like {@code NettyEpollAccess}, this class sits
 * in Netty's package, on the class path, for the benchmarks only. The completions
 * {@link #reap} reads are summed here, in the callback Netty's {@code process} calls.
 */
public final class NettyIoUringAccess implements CompletionCallback {
    /** Netty's POLLIN and IORING_CQE_F_MORE, for the benchmarks' checks. */
    public static final int POLLIN = Native.POLLIN;
    public static final int IORING_CQE_F_MORE = Native.IORING_CQE_F_MORE;

    private final RingBuffer ring;
    private final SubmissionQueue sq;
    private final CompletionQueue cq;

    /** CQEs seen by the last {@link #reap}, the sum of their user_data and res, and the AND of their res and flags. */
    public int count;
    public long userDataSum;
    public long resSum;
    public int resAnd;
    public int flagsAnd;

    /**
     * A ring of {@code sqEntries} SQEs and {@code cqEntries} CQEs: IORING_SETUP_CQSIZE and
     * no other setup flag, as jmux's and the C twin's rings. Without CQSIZE the kernel
     * ignores {@code cqEntries} and makes the CQ twice the SQ (8,192 at n = 10,000), so
     * 10,000 ready polls overflowed it and the full run stopped at that row.
     */
    public NettyIoUringAccess(int sqEntries, int cqEntries) {
        IoUring.ensureAvailability();
        ring = Native.createRingBuffer(sqEntries, cqEntries, Native.IORING_SETUP_CQSIZE);
        sq = ring.ioUringSubmissionQueue();
        cq = ring.ioUringCompletionQueue();
    }

    /** Netty's empty completion check: CQ tail (a volatile read) against its head. */
    public boolean hasCompletions() {
        return cq.hasCompletions();
    }

    /** IORING_OP_POLL_ADD (multishot or not) on fd, submitting first if the SQ is full. */
    public void pollAdd(int fd, int mask, boolean multishot, long userData) {
        if (sq.remaining() == 0) {
            sq.submit();
        }
        sq.enqueueSqe(Native.IORING_OP_POLL_ADD, (byte) 0, (short) 0, fd, 0, 0,
                multishot ? Native.IORING_POLL_ADD_MULTI : 0, mask, userData, (short) 0, (short) 0, 0, 0);
    }

    /** IORING_OP_POLL_REMOVE of the POLL_ADD whose user_data is target. */
    public void pollRemove(long target, long userData) {
        sq.enqueueSqe(Native.IORING_OP_POLL_REMOVE, (byte) 0, (short) 0, -1, 0, target, 0, 0, userData,
                (short) 0, (short) 0, 0, 0);
    }

    /** Submits without waiting ({@code io_uring_enter(fd, n, 0, 0)}). */
    public int submit() {
        return sq.submit();
    }

    /** What Netty's event loop calls to submit and wait: {@code io_uring_enter(fd, n, 1, GETEVENTS)}. */
    public int submitAndGet() {
        return sq.submitAndGet();
    }

    /** Netty's {@code eventFdWrite} (its io_uring JNI library's). */
    public static void eventFdWrite(int fd, long value) {
        Native.eventFdWrite(fd, value);
    }

    /** Processes every ready CQE through Netty's {@code CompletionQueue.process}; returns how many. */
    public int reap() {
        count = 0;
        userDataSum = 0;
        resSum = 0;
        resAnd = -1;
        flagsAnd = -1;
        cq.process(this);
        return count;
    }

    @Override
    public boolean handle(int res, int flags, long userData, ByteBuffer extraCqeData) {
        count++;
        userDataSum += userData;
        resSum += res;
        resAnd &= res;
        flagsAnd &= flags;
        return true;
    }

    public void close() {
        ring.close();
    }
}
