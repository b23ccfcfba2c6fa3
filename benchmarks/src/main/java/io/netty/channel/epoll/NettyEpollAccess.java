package io.netty.channel.epoll;

import io.netty.channel.unix.FileDescriptor;
import java.io.IOException;

/**
 * Reaches the epoll_wait that Netty's EpollEventLoop calls, which Netty keeps
 * package-private ({@code Native.epollWait(FileDescriptor, EpollEventArray, int)} and
 * {@code EpollEventArray}): this class sits in Netty's package, on the class path, for
 * the benchmarks only. Netty's public statics (epollCtlAdd/Mod/Del, eventFdWrite) are
 * called directly by the benchmarks.
 */
public final class NettyEpollAccess {
    private final FileDescriptor epfd;
    private final EpollEventArray events;

    /**
     * Waits on an epoll fd someone else owns (never closed here) into a Netty event array
     * of {@code maxEvents} entries.
     */
    public NettyEpollAccess(int epfd, int maxEvents) {
        Epoll.ensureAvailability();
        this.epfd = new FileDescriptor(epfd);
        this.events = new EpollEventArray(maxEvents);
    }

    /** {@code epoll_wait(epfd, events, maxEvents, 0)} the way Netty's event loop calls it. */
    public int epollWaitNow() throws IOException {
        return Native.epollWait(epfd, events, 0);
    }

    /** The fd of event {@code i}, as Netty's event loop reads it. */
    public int fd(int i) {
        return events.fd(i);
    }

    public void free() {
        events.free();
    }
}
