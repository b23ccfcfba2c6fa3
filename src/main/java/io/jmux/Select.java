package io.jmux;

import java.nio.ByteBuffer;

/**
 * {@code select(2)}: wait until fds in up to three {@link FdSet}s are ready.
 *
 * @see <a href="https://man7.org/linux/man-pages/man2/select.2.html">select(2)</a>
 */
public final class Select {
    private static final int EINTR = Errno.EINTR;

    private Select() {}

    /**
     * {@code select(nfds, readfds, writefds, exceptfds, timeout)}: waits until one of the
     * fds {@code 0 .. nfds-1} set in the given sets is ready, then leaves set only the
     * ready ones, exactly as the kernel answered.
     *
     * <p>The kernel checks fds up to the size of the process's fd table and leaves the
     * bits of higher numbers untouched; C callers then see a closed fd number past the
     * table as "ready". jmux clears those bits, so only fds the kernel reported come
     * back set. An fd that is closed but inside the table gives {@code EBADF}, as in C.
     *
     * <p>If a signal interrupts the wait ({@code EINTR}) it is restarted with the
     * remaining timeout; the sets are unchanged on {@code EINTR}, so the retry is exact.
     *
     * @param nfds highest fd to check plus one; at most the capacity of every non-null set
     * @param readfds fds to check for reading, or null
     * @param writefds fds to check for writing, or null
     * @param exceptfds fds to check for exceptional conditions (TCP urgent data,
     *     {@code POLLPRI}), or null
     * @param timeoutMicros the longest wait in microseconds; 0 returns at once; -1 waits
     *     until an fd is ready
     * @return the number of bits left set across the three sets (an fd in two sets counts
     *     twice); 0 if the timeout expired
     * @throws ErrnoException {@code EBADF} if a set holds a closed fd, {@code EINVAL},
     *     {@code ENOMEM}
     * @throws IllegalArgumentException if nfds is negative or past a set's capacity, or
     *     timeoutMicros is below -1
     * @throws IllegalStateException if a set is closed
     */
    public static int select(int nfds, FdSet readfds, FdSet writefds, FdSet exceptfds,
                             long timeoutMicros) throws ErrnoException {
        if (timeoutMicros < -1) {
            throw new IllegalArgumentException("timeoutMicros must be >= -1 (-1 waits for ever), got "
                    + timeoutMicros);
        }
        if (nfds < 0) {
            throw new IllegalArgumentException("nfds must be >= 0, got " + nfds);
        }
        // Locals keep each buffer, and with it the memory the kernel writes, alive until
        // the call is over even if another thread closes a set meanwhile.
        ByteBuffer r = checked(readfds, nfds, "readfds");
        ByteBuffer w = checked(writefds, nfds, "writefds");
        ByteBuffer x = checked(exceptfds, nfds, "exceptfds");
        // The clock is read only for a finite, non-zero timeout: the case EINTR can shorten.
        long start = timeoutMicros > 0 ? System.nanoTime() : 0;
        String setsBefore = Trace.ON ? Trace.fdSets(nfds, readfds, writefds, exceptfds) : null;
        long t0 = Trace.ON ? System.nanoTime() : 0;
        int n = select0(nfds, address(readfds), address(writefds), address(exceptfds), timeoutMicros);
        if (Trace.ON) {
            Trace.select(nfds, setsBefore, readfds, writefds, exceptfds, timeoutMicros, n, t0);
        }
        if (n == -EINTR) {
            n = retry(nfds, readfds, writefds, exceptfds, timeoutMicros, start, setsBefore);
        }
        if (n < 0) {
            throw new ErrnoException("select", "nfds=" + nfds, -n);
        }
        FdSet.clearUnreported(n, nfds, r, w, x);
        return n;
    }

    private static int retry(int nfds, FdSet r, FdSet w, FdSet x, long timeoutMicros, long start,
                             String setsBefore) {
        int n;
        do {
            long remaining = timeoutMicros;
            if (timeoutMicros > 0) {
                long elapsedMicros = (System.nanoTime() - start) / 1000;
                remaining = Math.max(0, timeoutMicros - elapsedMicros);
            }
            long t0 = Trace.ON ? System.nanoTime() : 0;
            n = select0(nfds, address(r), address(w), address(x), remaining);
            if (Trace.ON) {
                Trace.select(nfds, setsBefore, r, w, x, remaining, n, t0);
            }
        } while (n == -EINTR);
        return n;
    }

    private static ByteBuffer checked(FdSet set, int nfds, String name) {
        if (set == null) {
            return null;
        }
        ByteBuffer b = set.buffer();
        if (nfds > set.capacity()) {
            throw new IllegalArgumentException("nfds " + nfds + " exceeds " + name
                    + " capacity " + set.capacity() + ": the kernel would read past the set");
        }
        return b;
    }

    private static long address(FdSet set) {
        return set == null ? 0 : set.address;
    }

    private static native int select0(int nfds, long readfds, long writefds, long exceptfds,
                                      long timeoutMicros);
}
