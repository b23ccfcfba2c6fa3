package io.jmux.bench;

import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * Registration scenarios: the cost of changing the interest set when {@code n} fds are
 * already watched, none of them ready. epoll pays per change (one {@code epoll_ctl}),
 * select and poll pay per call (they take the whole set each time) plus a rebuild of
 * their user-space array when it changes.
 */
@State(Scope.Thread)
public abstract class RegistrationFixture {
    @Param({"1", "10", "100", "1000", "10000"})
    public int n;
}
