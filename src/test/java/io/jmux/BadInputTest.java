package io.jmux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrowsExactly;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Modifier;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.AbstractSelectableChannel;
import java.nio.channels.spi.SelectorProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;

/**
 * Every public method and constructor of jmux, called with hostile arguments: negative
 * and huge fds, closed fds, fds that are not sockets/pipes/eventfds/epoll, null and
 * read-only buffers, bad lengths, offsets and indices, maxevents 0 or past capacity,
 * extreme timeouts, unknown flag bits, closed objects. Each case must end in one specific
 * Java exception, or an {@link ErrnoException} naming the syscall and the errno the
 * kernel gives — or, where hostile-looking input is legal in C too (a negative fd in a
 * pollfd, a backlog the kernel caps), in the documented result.
 *
 * <p>{@link #everyPublicMethodHasHostileCases()} keeps the table complete: a public
 * method added to jmux without cases here fails the build.
 */
@Timeout(60)
class BadInputTest {
    /** Can never be an open fd: past the hard RLIMIT_NOFILE (20,000 here, 2^20 at most by default). */
    static final int NEVER_OPEN = 1 << 24;
    static final int[] NEGATIVE_FDS = {-1, -2, Integer.MIN_VALUE};

    /** fds made for the cases; closed after the suite. */
    static final Fds FDS = new Fds();

    /** One hostile call and what it must give. */
    record Case(String name, org.junit.jupiter.api.function.Executable body) {}

    static final Map<String, List<Case>> CASES = new LinkedHashMap<>();

    @AfterAll
    static void closeFds() {
        FDS.close();
    }

    @TestFactory
    Stream<DynamicContainer> hostileArguments() throws Exception {
        defineCases();
        return CASES.entrySet().stream().map(e -> DynamicContainer.dynamicContainer(e.getKey(),
                e.getValue().stream().map(c -> DynamicTest.dynamicTest(c.name(), named(e.getKey(), c)))));
    }

    /** Surefire reports dynamic tests by index: put the method and case in the failure. */
    static org.junit.jupiter.api.function.Executable named(String method, Case c) {
        return () -> {
            try {
                c.body().execute();
            } catch (AssertionError e) {
                throw new AssertionError(method + ", " + c.name() + ": " + e.getMessage(), e);
            }
        };
    }

    @Test
    void everyPublicMethodHasHostileCases() throws Exception {
        defineCases();
        Set<String> api = publicApi();
        Set<String> missing = new TreeSet<>(api);
        missing.removeAll(CASES.keySet());
        assertEquals(Set.of(), missing, "public methods without hostile-argument cases");
        Set<String> stale = new TreeSet<>(CASES.keySet());
        stale.removeAll(api);
        assertEquals(Set.of(), stale, "cases for methods that are not public API");
        CASES.forEach((method, cases) -> assertFalse(cases.isEmpty(), method));
        System.out.printf("BadInputTest: %d public methods, %d hostile cases%n", CASES.size(),
                CASES.values().stream().mapToInt(List::size).sum());
    }

    /** "Class.method(type,type)" for every public method and constructor of jmux's public classes. */
    static Set<String> publicApi() throws Exception {
        Set<String> out = new TreeSet<>();
        for (String name : List.of("Epoll", "EpollEvents", "Errno", "ErrnoException", "EventFd", "Fd",
                "FdSet", "IoUring", "IoUringBufRing", "ItimerSpec", "Jmux", "Poll", "PollFds", "Select", "SigSet",
                "SignalFd", "SignalFdInfos", "Sockets", "TimerFd")) {
            Class<?> c = Class.forName("io.jmux." + name);
            assertTrue(Modifier.isPublic(c.getModifiers()), name);
            List<Executable> members = new ArrayList<>(Arrays.asList(c.getDeclaredConstructors()));
            members.addAll(Arrays.asList(c.getDeclaredMethods()));
            // Public methods of a package-private base class (NativeArray) are public API of
            // each public subclass.
            for (Class<?> s = c.getSuperclass(); s != null && s.getPackageName().equals("io.jmux")
                    && !Modifier.isPublic(s.getModifiers()); s = s.getSuperclass()) {
                members.addAll(Arrays.asList(s.getDeclaredMethods()));
            }
            for (Executable m : members) {
                if (Modifier.isPublic(m.getModifiers()) && !m.isSynthetic()) {
                    out.add(signature(c, m));
                }
            }
        }
        // Every public class of the package is listed above.
        return out;
    }

    static String signature(Class<?> c, Executable m) {
        String params = Arrays.stream(m.getParameterTypes()).map(Class::getSimpleName)
                .collect(Collectors.joining(","));
        return c.getSimpleName() + (m instanceof Constructor ? "" : "." + m.getName()) + "(" + params + ")";
    }

    // ---- how a case ends ----

    static void api(String signature, Case... cases) {
        CASES.computeIfAbsent(signature, k -> new ArrayList<>()).addAll(List.of(cases));
    }

    static Case iae(String name, org.junit.jupiter.api.function.Executable e) {
        return new Case(name + " -> IllegalArgumentException", () -> assertThrowsExactly(IllegalArgumentException.class, e));
    }

    static Case ise(String name, org.junit.jupiter.api.function.Executable e) {
        return new Case(name + " -> IllegalStateException", () -> assertThrowsExactly(IllegalStateException.class, e));
    }

    static Case ioobe(String name, org.junit.jupiter.api.function.Executable e) {
        return new Case(name + " -> IndexOutOfBoundsException",
                () -> assertThrowsExactly(IndexOutOfBoundsException.class, e));
    }

    static Case npe(String name, org.junit.jupiter.api.function.Executable e) {
        return new Case(name + " -> NullPointerException", () -> assertThrowsExactly(NullPointerException.class, e));
    }

    static Case robe(String name, org.junit.jupiter.api.function.Executable e) {
        return new Case(name + " -> ReadOnlyBufferException", () -> assertThrowsExactly(ReadOnlyBufferException.class, e));
    }

    static Case uoe(String name, org.junit.jupiter.api.function.Executable e) {
        return new Case(name + " -> UnsupportedOperationException",
                () -> assertThrowsExactly(UnsupportedOperationException.class, e));
    }

    /** The call fails in the kernel: ErrnoException naming syscall and errno symbol. */
    static Case errno(String symbol, String syscall, String name, org.junit.jupiter.api.function.Executable e) {
        return new Case(name + " -> " + syscall + ": " + symbol, () -> {
            ErrnoException x = assertThrowsExactly(ErrnoException.class, e);
            assertEquals(symbol, x.errnoName(), x.getMessage());
            assertEquals(syscall, x.syscall(), x.getMessage());
            assertTrue(x.getMessage().startsWith(syscall + "(") && x.getMessage().contains(": " + symbol + " ("),
                    x.getMessage());
        });
    }

    /** Hostile-looking but legal input: the body asserts the documented result. */
    static Case legal(String name, org.junit.jupiter.api.function.Executable e) {
        return new Case(name + " -> documented result", e);
    }

    // ---- fds for the cases (fresh per case where state matters) ----

    static int[] pipe() throws ErrnoException {
        return FDS.pipe(true);
    }

    static int[] socketpair() throws ErrnoException {
        return FDS.socketpair(true);
    }

    static int eventfd(long initval) throws ErrnoException {
        return FDS.eventfd(initval);
    }

    static int tcp() throws ErrnoException {
        return FDS.track(Sockets.socket(Sockets.AF_INET, Sockets.SOCK_STREAM | Sockets.SOCK_NONBLOCK
                | Sockets.SOCK_CLOEXEC, 0));
    }

    static int udp() throws ErrnoException {
        return FDS.track(Sockets.socket(Sockets.AF_INET, Sockets.SOCK_DGRAM | Sockets.SOCK_CLOEXEC, 0));
    }

    static int epollFd() throws ErrnoException {
        return FDS.track(Fd.fcntl(Epoll.create().fd(), Fd.F_DUPFD_CLOEXEC, 0));
    }

    /** An fd of a regular file (epoll refuses those with EPERM). */
    static int regularFile() throws IOException {
        Path f = Files.createTempFile("jmux-bad-input", ".txt");
        f.toFile().deleteOnExit();
        FileInputStream in = new FileInputStream(f.toFile());
        OPEN_STREAMS.add(in);
        return Fd.fdOf(in.getFD());
    }

    static final List<FileInputStream> OPEN_STREAMS = new ArrayList<>();

    /** A number that is closed but inside this process's fd table: see {@link Fds#closedFd}. */
    static int closedInTable() throws ErrnoException {
        return Fds.closedFd();
    }

    static Epoll closedEpoll() throws ErrnoException {
        Epoll ep = Epoll.create();
        ep.close();
        return ep;
    }

    /** An epoll with one readable eventfd registered, so waits with long timeouts return at once. */
    static Epoll readyEpoll() throws ErrnoException {
        Epoll ep = Epoll.create();
        ep.add(eventfd(1), Epoll.EPOLLIN);
        CLOSE_LATER.add(ep);
        return ep;
    }

    static final List<AutoCloseable> CLOSE_LATER = new ArrayList<>();

    @AfterAll
    static void closeObjects() throws Exception {
        for (AutoCloseable c : CLOSE_LATER) {
            c.close();
        }
        for (FileInputStream in : OPEN_STREAMS) {
            in.close();
        }
    }

    static EpollEvents closedEvents() {
        EpollEvents ev = new EpollEvents(4);
        ev.close();
        return ev;
    }

    static FdSet closedSet() {
        FdSet s = new FdSet();
        s.close();
        return s;
    }

    static PollFds closedPollFds() {
        PollFds p = new PollFds(4);
        p.close();
        return p;
    }

    static InetSocketAddress loopback(int port) {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    }

    /** A SelectableChannel from a provider that is not the JDK's: no fd to find. */
    static final class ForeignChannel extends AbstractSelectableChannel {
        ForeignChannel() {
            super(SelectorProvider.provider());
        }

        @Override
        protected void implCloseSelectableChannel() {
        }

        @Override
        protected void implConfigureBlocking(boolean block) {
        }

        @Override
        public int validOps() {
            return 0;
        }
    }

    static long softFdLimit() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
            if (line.startsWith("Max open files")) {
                return Long.parseLong(line.split("\\s+")[3]);
            }
        }
        throw new AssertionError("no 'Max open files' in /proc/self/limits");
    }

    // ---- the cases ----

    static synchronized void defineCases() throws Exception {
        if (!CASES.isEmpty()) {
            return;
        }
        epoll();
        epollEvents();
        errnoAndException();
        eventFd();
        fdIo();
        fdControl();
        fdSet();
        jmux();
        poll();
        pollFds();
        select();
        sockets();
        SignalTimerBadInput.define();
        BadInputIoUring.define();
    }

    static void epoll() {
        api("Epoll.create()",
                legal("two creates give two open, owning instances with different fds", () -> {
                    try (Epoll a = Epoll.create(); Epoll b = Epoll.create()) {
                        assertTrue(a.isOpen() && a.ownsFd() && b.isOpen());
                        assertNotEquals(a.fd(), b.fd());
                    }
                }));
        List<Case> create = new ArrayList<>();
        for (int flags : new int[] {1, -1, Integer.MIN_VALUE, Epoll.EPOLL_CLOEXEC | 1, Fd.O_NONBLOCK}) {
            create.add(errno("EINVAL", "epoll_create1", "flags 0x" + Integer.toHexString(flags) + " (the kernel judges flags)",
                    () -> Epoll.create(flags)));
        }
        create.add(legal("flags 0", () -> Epoll.create(0).close()));
        api("Epoll.create(int)", create.toArray(new Case[0]));
        api("Epoll.dupOf(int)",
                iae("fd -1", () -> Epoll.dupOf(-1)),
                iae("fd MIN_VALUE", () -> Epoll.dupOf(Integer.MIN_VALUE)),
                errno("EBADF", "fcntl", "fd never open", () -> Epoll.dupOf(NEVER_OPEN)),
                errno("EBADF", "fcntl", "fd MAX_VALUE", () -> Epoll.dupOf(Integer.MAX_VALUE)),
                errno("EINVAL", "epoll_ctl", "dup of a pipe: the kernel refuses it at first use",
                        () -> {
                            try (Epoll notEpoll = Epoll.dupOf(pipe()[0])) {
                                notEpoll.add(eventfd(0), Epoll.EPOLLIN);
                            }
                        }));
        api("Epoll.viewOf(int)",
                iae("fd -1", () -> Epoll.viewOf(-1)),
                iae("fd MIN_VALUE", () -> Epoll.viewOf(Integer.MIN_VALUE)),
                errno("EBADF", "epoll_wait", "view of a never-open fd, then wait",
                        () -> Epoll.viewOf(NEVER_OPEN).wait(new EpollEvents(1), 0)),
                errno("EINVAL", "epoll_wait", "view of an eventfd, then wait",
                        () -> Epoll.viewOf(eventfd(1)).wait(new EpollEvents(1), 0)),
                legal("closing a view leaves the fd open", () -> {
                    int fd = epollFd();
                    Epoll.viewOf(fd).close();
                    Fd.fcntl(fd, Fd.F_GETFD, 0);
                }));
        api("Epoll.fd()", ise("after close", () -> closedEpoll().fd()));
        api("Epoll.ownsFd()", legal("create owns, view does not, both after close", () -> {
            assertTrue(closedEpoll().ownsFd());
            Epoll view = Epoll.viewOf(epollFd());
            view.close();
            assertFalse(view.ownsFd());
        }));
        api("Epoll.isOpen()", legal("false after close, also after a second close", () -> {
            Epoll ep = closedEpoll();
            ep.close();
            assertFalse(ep.isOpen());
        }));
        List<Case> ctl = new ArrayList<>();
        for (int fd : NEGATIVE_FDS) {
            ctl.add(iae("fd " + fd, () -> readyEpoll().ctl(Epoll.EPOLL_CTL_ADD, fd, Epoll.EPOLLIN, 0)));
        }
        // Bits <sys/epoll.h> does not name go to the kernel, which ignores them (checked in C).
        for (int events : new int[] {1 << 20, 0x4000, 0x8000000, Epoll.EPOLLIN | (1 << 26)}) {
            ctl.add(legal("unknown event bits 0x" + Integer.toHexString(events) + " pass through",
                    () -> readyEpoll().ctl(Epoll.EPOLL_CTL_ADD, eventfd(0), events, 0)));
        }
        for (int op : new int[] {0, 4, -1, Integer.MIN_VALUE, Integer.MAX_VALUE}) {
            ctl.add(errno("EINVAL", "epoll_ctl", "op " + op,
                    () -> readyEpoll().ctl(op, eventfd(0), Epoll.EPOLLIN, 0)));
        }
        ctl.add(errno("EBADF", "epoll_ctl", "fd never open",
                () -> readyEpoll().ctl(Epoll.EPOLL_CTL_ADD, NEVER_OPEN, Epoll.EPOLLIN, 0)));
        ctl.add(errno("EBADF", "epoll_ctl", "fd MAX_VALUE",
                () -> readyEpoll().ctl(Epoll.EPOLL_CTL_ADD, Integer.MAX_VALUE, Epoll.EPOLLIN, 0)));
        ctl.add(errno("EPERM", "epoll_ctl", "a regular file",
                () -> readyEpoll().ctl(Epoll.EPOLL_CTL_ADD, regularFile(), Epoll.EPOLLIN, 0)));
        ctl.add(errno("EINVAL", "epoll_ctl", "the epoll fd itself", () -> {
            Epoll ep = readyEpoll();
            ep.ctl(Epoll.EPOLL_CTL_ADD, ep.fd(), Epoll.EPOLLIN, 0);
        }));
        ctl.add(errno("EINVAL", "epoll_ctl", "EPOLLEXCLUSIVE with MOD", () -> {
            Epoll ep = Epoll.create();
            CLOSE_LATER.add(ep);
            int fd = eventfd(0);
            ep.ctl(Epoll.EPOLL_CTL_ADD, fd, Epoll.EPOLLIN | Epoll.EPOLLEXCLUSIVE, 0);
            ep.ctl(Epoll.EPOLL_CTL_MOD, fd, Epoll.EPOLLIN | Epoll.EPOLLEXCLUSIVE, 0);
        }));
        ctl.add(ise("after close", () -> closedEpoll().ctl(Epoll.EPOLL_CTL_ADD, eventfd(0), Epoll.EPOLLIN, 0)));
        ctl.add(legal("data MIN_VALUE and MAX_VALUE round-trip", () -> {
            try (Epoll ep = Epoll.create(); EpollEvents ev = new EpollEvents(2)) {
                ep.ctl(Epoll.EPOLL_CTL_ADD, eventfd(1), Epoll.EPOLLIN, Long.MIN_VALUE);
                ep.ctl(Epoll.EPOLL_CTL_ADD, eventfd(1), Epoll.EPOLLIN, Long.MAX_VALUE);
                assertEquals(2, ep.wait(ev, 0));
                assertEquals(Set.of(Long.MIN_VALUE, Long.MAX_VALUE), Set.of(ev.data(0), ev.data(1)));
            }
        }));
        api("Epoll.ctl(int,int,int,long)", ctl.toArray(new Case[0]));
        api("Epoll.add(int,int)",
                iae("fd -1", () -> readyEpoll().add(-1, Epoll.EPOLLIN)),
                legal("unknown bits pass through: the kernel ignores them", () -> readyEpoll().add(eventfd(0), 1 << 20)),
                errno("EEXIST", "epoll_ctl", "added twice", () -> {
                    Epoll ep = readyEpoll();
                    int fd = eventfd(0);
                    ep.add(fd, Epoll.EPOLLIN);
                    ep.add(fd, Epoll.EPOLLIN);
                }),
                ise("after close", () -> closedEpoll().add(eventfd(0), Epoll.EPOLLIN)));
        api("Epoll.add(int,int,long)",
                iae("fd MIN_VALUE", () -> readyEpoll().add(Integer.MIN_VALUE, Epoll.EPOLLIN, 1)),
                errno("EBADF", "epoll_ctl", "fd never open", () -> readyEpoll().add(NEVER_OPEN, Epoll.EPOLLIN, 1)),
                ise("after close", () -> closedEpoll().add(eventfd(0), Epoll.EPOLLIN, 1)));
        api("Epoll.modify(int,int)",
                iae("fd -1", () -> readyEpoll().modify(-1, Epoll.EPOLLIN)),
                errno("ENOENT", "epoll_ctl", "not registered", () -> readyEpoll().modify(eventfd(0), Epoll.EPOLLIN)),
                ise("after close", () -> closedEpoll().modify(eventfd(0), Epoll.EPOLLIN)));
        api("Epoll.modify(int,int,long)",
                errno("ENOENT", "epoll_ctl", "unknown bits reach the kernel", () -> readyEpoll().modify(eventfd(0), 0x100000, 1)),
                errno("ENOENT", "epoll_ctl", "not registered", () -> readyEpoll().modify(eventfd(0), Epoll.EPOLLIN, 1)),
                ise("after close", () -> closedEpoll().modify(eventfd(0), Epoll.EPOLLIN, 1)));
        api("Epoll.delete(int)",
                iae("fd -1", () -> readyEpoll().delete(-1)),
                errno("ENOENT", "epoll_ctl", "not registered", () -> readyEpoll().delete(eventfd(0))),
                errno("EBADF", "epoll_ctl", "fd never open", () -> readyEpoll().delete(NEVER_OPEN)),
                ise("after close", () -> closedEpoll().delete(eventfd(0))));
        api("Epoll.wait(EpollEvents,int)",
                npe("null events", () -> readyEpoll().wait(null, 0)),
                legal("timeout -2 is infinite, as in the kernel: a ready fd returns at once",
                        () -> assertEquals(1, readyEpoll().wait(new EpollEvents(1), -2))),
                legal("timeout MIN_VALUE is infinite too",
                        () -> assertEquals(1, readyEpoll().wait(new EpollEvents(1), Integer.MIN_VALUE))),
                ise("events closed", () -> readyEpoll().wait(closedEvents(), 0)),
                ise("epoll closed", () -> closedEpoll().wait(new EpollEvents(1), 0)),
                legal("timeout MAX_VALUE with an fd ready returns it at once",
                        () -> assertEquals(1, readyEpoll().wait(new EpollEvents(1), Integer.MAX_VALUE))));
        api("Epoll.wait(EpollEvents,int,int)",
                errno("EINVAL", "epoll_wait", "maxEvents 0 (the kernel's to refuse)", () -> readyEpoll().wait(new EpollEvents(4), 0, 0)),
                errno("EINVAL", "epoll_wait", "maxEvents -1", () -> readyEpoll().wait(new EpollEvents(4), -1, 0)),
                iae("maxEvents past capacity", () -> readyEpoll().wait(new EpollEvents(4), 5, 0)),
                iae("maxEvents MAX_VALUE", () -> readyEpoll().wait(new EpollEvents(4), Integer.MAX_VALUE, 0)),
                legal("timeout MIN_VALUE is infinite", () -> assertEquals(1, readyEpoll().wait(new EpollEvents(4), 4, Integer.MIN_VALUE))),
                npe("null events", () -> readyEpoll().wait(null, 1, 0)),
                ise("events closed", () -> readyEpoll().wait(closedEvents(), 1, 0)),
                legal("maxEvents == capacity", () -> assertEquals(1, readyEpoll().wait(new EpollEvents(4), 4, 0))));
        api("Epoll.epollWait(EpollEvents,int)",
                npe("null events", () -> readyEpoll().epollWait(null, 0)),
                ise("epoll closed", () -> closedEpoll().epollWait(new EpollEvents(1), 0)),
                legal("the same call as wait", () -> assertEquals(1, readyEpoll().epollWait(new EpollEvents(1), -1))));
        api("Epoll.epollWait(EpollEvents,int,int)",
                iae("maxEvents past capacity", () -> readyEpoll().epollWait(new EpollEvents(1), 2, 0)),
                errno("EINVAL", "epoll_wait", "maxEvents 0", () -> readyEpoll().epollWait(new EpollEvents(1), 0, 0)),
                legal("the same call as wait", () -> assertEquals(1, readyEpoll().epollWait(new EpollEvents(2), 2, 0))));
        api("Epoll.pwait2(EpollEvents,long)",
                npe("null events", () -> readyEpoll().pwait2(null, 0)),
                legal("timeout -2 is infinite (NULL)", () -> assertEquals(1, readyEpoll().pwait2(new EpollEvents(1), -2))),
                legal("timeout Long.MIN_VALUE is infinite", () -> assertEquals(1, readyEpoll().pwait2(new EpollEvents(1), Long.MIN_VALUE))),
                ise("epoll closed", () -> closedEpoll().pwait2(new EpollEvents(1), 0)),
                legal("timeout Long.MAX_VALUE ns with an fd ready returns it at once",
                        () -> assertEquals(1, readyEpoll().pwait2(new EpollEvents(1), Long.MAX_VALUE))));
        api("Epoll.pwait2(EpollEvents,int,long)",
                errno("EINVAL", Epoll.hasPwait2() ? "epoll_pwait2" : "epoll_wait", "maxEvents 0", () -> readyEpoll().pwait2(new EpollEvents(2), 0, 0)),
                iae("maxEvents past capacity", () -> readyEpoll().pwait2(new EpollEvents(2), 3, 0)),
                errno("EINVAL", Epoll.hasPwait2() ? "epoll_pwait2" : "epoll_wait", "maxEvents MIN_VALUE", () -> readyEpoll().pwait2(new EpollEvents(2), Integer.MIN_VALUE, 0)),
                ise("events closed", () -> readyEpoll().pwait2(closedEvents(), 1, 0)),
                errno("EBADF", "epoll_pwait2", "view of a never-open fd",
                        () -> Epoll.viewOf(NEVER_OPEN).pwait2(new EpollEvents(1), 1, 0)));
        api("Epoll.hasPwait2()", legal("no arguments to abuse: the probed answer is stable",
                () -> assertEquals(Epoll.hasPwait2(), Epoll.hasPwait2())));
        api("Epoll.close()", legal("close twice, and close a view twice", () -> {
            Epoll ep = Epoll.create();
            ep.close();
            ep.close();
            Epoll view = Epoll.viewOf(epollFd());
            view.close();
            view.close();
            assertFalse(ep.isOpen() || view.isOpen());
        }));
        api("Epoll.toString()", legal("names the fd and says closed", () -> {
            Epoll ep = closedEpoll();
            assertTrue(ep.toString().contains("closed"), ep.toString());
        }));
        api("Epoll.eventNames(int)",
                legal("every bit, known or not", () -> {
                    assertEquals("0", Epoll.eventNames(0));
                    String all = Epoll.eventNames(-1);
                    assertTrue(all.contains("EPOLLET") && all.contains("0x"), all);
                    assertTrue(Epoll.eventNames(Integer.MIN_VALUE).contains("EPOLLET"));
                }));
    }

    static void epollEvents() {
        List<Case> ctor = new ArrayList<>();
        for (int cap : new int[] {0, -1, Integer.MIN_VALUE, EpollEvents.MAX_CAPACITY + 1, Integer.MAX_VALUE}) {
            ctor.add(iae("capacity " + cap, () -> new EpollEvents(cap)));
        }
        api("EpollEvents(int)", ctor.toArray(new Case[0]));
        api("EpollEvents.capacity()", legal("still answers after close (a fixed property)", () -> {
            assertEquals(4, closedEvents().capacity());
        }));
        for (String m : List.of("events", "data", "fd")) {
            List<Case> cases = new ArrayList<>();
            for (int i : new int[] {-1, 4, Integer.MAX_VALUE, Integer.MIN_VALUE}) {
                cases.add(ioobe("index " + i, () -> access(new EpollEvents(4), m, i)));
            }
            cases.add(ise("after close", () -> access(closedEvents(), m, 0)));
            api("EpollEvents." + m + "(int)", cases.toArray(new Case[0]));
        }
        api("EpollEvents.isOpen()", legal("false after close", () -> assertFalse(closedEvents().isOpen())));
        api("EpollEvents.close()", legal("idempotent", () -> {
            EpollEvents ev = closedEvents();
            ev.close();
            assertFalse(ev.isOpen());
        }));
    }

    static long access(EpollEvents ev, String method, int index) {
        return method.equals("events") ? ev.events(index) : method.equals("data") ? ev.data(index) : ev.fd(index);
    }

    static void errnoAndException() {
        api("Errno.name(int)", legal("any int, negative read as magnitude", () -> {
            assertEquals("EAGAIN", Errno.name(-Errno.EAGAIN));
            assertEquals("errno 0", Errno.name(0));
            assertEquals("errno 99999", Errno.name(99999));
            assertTrue(Errno.name(Integer.MIN_VALUE).startsWith("errno "));
        }));
        api("Errno.description(int)", legal("strerror of anything", () -> {
            assertEquals("Unknown error 99999", Errno.description(99999));
            assertTrue(Errno.description(Integer.MIN_VALUE).startsWith("Unknown error"));
        }));
        api("Errno.isWouldBlock(int)", legal("only -EAGAIN", () -> {
            assertTrue(Errno.isWouldBlock(-Errno.EAGAIN));
            assertFalse(Errno.isWouldBlock(Errno.EAGAIN) || Errno.isWouldBlock(Integer.MIN_VALUE)
                    || Errno.isWouldBlock(0));
        }));
        api("Errno.isInProgress(int)", legal("only -EINPROGRESS", () -> {
            assertTrue(Errno.isInProgress(-Errno.EINPROGRESS));
            assertFalse(Errno.isInProgress(Errno.EINPROGRESS) || Errno.isInProgress(Integer.MIN_VALUE));
        }));
        api("ErrnoException(String,String,int)",
                npe("null syscall", () -> new ErrnoException(null, "", Errno.EBADF)),
                npe("null arguments", () -> new ErrnoException("read", null, Errno.EBADF)),
                iae("errno 0", () -> new ErrnoException("read", "", 0)),
                iae("errno MIN_VALUE", () -> new ErrnoException("read", "", Integer.MIN_VALUE)),
                legal("-errno is read as errno", () -> assertEquals(Errno.EBADF,
                        new ErrnoException("read", "fd=1", -Errno.EBADF).errno())));
        api("ErrnoException.errno()", legal("positive", () -> assertEquals(Errno.EPIPE,
                new ErrnoException("write", "", Errno.EPIPE).errno())));
        api("ErrnoException.errnoName()", legal("symbol of an unknown errno", () -> assertEquals("errno 4000",
                new ErrnoException("write", "", 4000).errnoName())));
        api("ErrnoException.syscall()", legal("as given", () -> assertEquals("write",
                new ErrnoException("write", "", Errno.EPIPE).syscall())));
    }

    static void eventFd() {
        api("EventFd.eventfd(long,int)",
                iae("initval -1", () -> EventFd.eventfd(-1, 0)),
                iae("initval 2^32", () -> EventFd.eventfd(1L << 32, 0)),
                iae("initval Long.MIN_VALUE", () -> EventFd.eventfd(Long.MIN_VALUE, 0)),
                iae("initval Long.MAX_VALUE", () -> EventFd.eventfd(Long.MAX_VALUE, 0)),
                errno("EINVAL", "eventfd", "flags -1 (the kernel judges flags)", () -> EventFd.eventfd(0, -1)),
                errno("EINVAL", "eventfd", "flags 2 (unknown)", () -> EventFd.eventfd(0, 2)),
                legal("initval 2^32-1 reads back", () -> {
                    int fd = FDS.track(EventFd.eventfd(0xFFFF_FFFFL, EventFd.EFD_NONBLOCK));
                    assertEquals(0xFFFF_FFFFL, EventFd.read(fd));
                }));
        api("EventFd.read(int)",
                iae("fd -1", () -> EventFd.read(-1)),
                errno("EBADF", "read", "fd never open", () -> EventFd.read(NEVER_OPEN)),
                errno("EINVAL", "read", "an epoll fd", () -> EventFd.read(epollFd())),
                iae("a pipe holding 3 bytes: not an eventfd", () -> {
                    int[] p = pipe();
                    Fds.write(p[1], "abc");
                    EventFd.read(p[0]);
                }),
                legal("counter 0 on a non-blocking eventfd: 0 (EAGAIN)", () -> assertEquals(0, EventFd.read(eventfd(0)))));
        api("EventFd.write(int,long)",
                iae("fd MIN_VALUE", () -> EventFd.write(Integer.MIN_VALUE, 1)),
                errno("EBADF", "write", "fd never open", () -> EventFd.write(NEVER_OPEN, 1)),
                errno("EINVAL", "write", "value 2^64-1", () -> EventFd.write(eventfd(0), -1L)),
                errno("EINVAL", "write", "an epoll fd", () -> EventFd.write(epollFd(), 1)),
                legal("past 2^64-2 on a non-blocking eventfd: -EAGAIN", () -> {
                    int fd = eventfd(1);
                    assertEquals(-Errno.EAGAIN, EventFd.write(fd, -2L));
                    assertEquals(1, EventFd.read(fd), "counter unchanged");
                }));
    }

    static void fdIo() {
        api("Fd.pipe2(int)",
                errno("EINVAL", "pipe2", "flags -1", () -> Fd.pipe2(-1)),
                errno("EINVAL", "pipe2", "flags 1<<20", () -> Fd.pipe2(1 << 20)),
                legal("every documented flag", () -> {
                    int[] p = Fd.pipe2(Fd.O_NONBLOCK | Fd.O_CLOEXEC | Fd.O_DIRECT);
                    FDS.track(p[0]);
                    FDS.track(p[1]);
                    assertTrue(Fd.isNonBlocking(p[0]));
                }));
        api("Fd.read(int,ByteBuffer)",
                npe("null buffer", () -> Fd.read(pipe()[0], (ByteBuffer) null)),
                robe("read-only heap buffer", () -> Fd.read(pipe()[0], ByteBuffer.allocate(8).asReadOnlyBuffer())),
                robe("read-only direct buffer", () -> Fd.read(pipe()[0], ByteBuffer.allocateDirect(8).asReadOnlyBuffer())),
                iae("fd -1", () -> Fd.read(-1, ByteBuffer.allocate(8))),
                errno("EBADF", "read", "fd never open", () -> Fd.read(NEVER_OPEN, ByteBuffer.allocateDirect(8))),
                errno("EBADF", "read", "a pipe's write end", () -> Fd.read(pipe()[1], ByteBuffer.allocateDirect(8))),
                errno("EINVAL", "read", "an epoll fd", () -> Fd.read(epollFd(), ByteBuffer.allocate(8))),
                legal("no room left: 0, nothing consumed", () -> {
                    int[] p = pipe();
                    Fds.write(p[1], "x");
                    ByteBuffer full = ByteBuffer.allocateDirect(4);
                    full.position(4);
                    assertEquals(0, Fd.read(p[0], full));
                    assertEquals(1, Fd.read(p[0], ByteBuffer.allocate(4)));
                }),
                new Case("direct buffer of a closed Arena (Java 22+) -> IllegalStateException, nothing read",
                        BadInputTest::readIntoClosedArena));
        api("Fd.read(int,byte[],int,int)",
                npe("null array", () -> Fd.read(pipe()[0], null, 0, 1)),
                ioobe("off -1", () -> Fd.read(pipe()[0], new byte[8], -1, 1)),
                ioobe("len -1", () -> Fd.read(pipe()[0], new byte[8], 0, -1)),
                ioobe("off + len past the end", () -> Fd.read(pipe()[0], new byte[8], 4, 5)),
                ioobe("off MAX_VALUE", () -> Fd.read(pipe()[0], new byte[8], Integer.MAX_VALUE, 1)),
                ioobe("len MAX_VALUE (off + len overflows)", () -> Fd.read(pipe()[0], new byte[8], 1, Integer.MAX_VALUE)),
                iae("fd MIN_VALUE", () -> Fd.read(Integer.MIN_VALUE, new byte[8], 0, 8)),
                errno("EBADF", "read", "fd never open", () -> Fd.read(NEVER_OPEN, new byte[8], 0, 8)),
                legal("len 0: read(2) of 0 bytes returns 0", () -> assertEquals(0, Fd.read(pipe()[0], new byte[8], 8, 0))));
        api("Fd.write(int,ByteBuffer)",
                npe("null buffer", () -> Fd.write(pipe()[1], (ByteBuffer) null)),
                iae("fd -1", () -> Fd.write(-1, ByteBuffer.allocate(1))),
                errno("EBADF", "write", "a pipe's read end", () -> Fd.write(pipe()[0], ByteBuffer.allocate(1))),
                errno("EPIPE", "write", "a pipe without reader", () -> {
                    int[] p = pipe();
                    FDS.close(p[0]);
                    Fd.write(p[1], ByteBuffer.allocateDirect(1));
                }),
                legal("read-only heap and direct buffers are fine to write from", () -> {
                    int[] p = pipe();
                    assertEquals(2, Fd.write(p[1], ByteBuffer.wrap(new byte[2]).asReadOnlyBuffer()));
                    assertEquals(3, Fd.write(p[1], ByteBuffer.allocateDirect(3).asReadOnlyBuffer()));
                }));
        api("Fd.write(int,byte[],int,int)",
                npe("null array", () -> Fd.write(pipe()[1], null, 0, 1)),
                ioobe("off -1", () -> Fd.write(pipe()[1], new byte[8], -1, 1)),
                ioobe("len -1", () -> Fd.write(pipe()[1], new byte[8], 0, -1)),
                ioobe("off + len past the end", () -> Fd.write(pipe()[1], new byte[8], 8, 1)),
                ioobe("off + len overflows", () -> Fd.write(pipe()[1], new byte[8], Integer.MAX_VALUE, Integer.MAX_VALUE)),
                errno("EBADF", "write", "fd MAX_VALUE", () -> Fd.write(Integer.MAX_VALUE, new byte[1], 0, 1)),
                errno("EINVAL", "write", "an eventfd given 3 bytes", () -> Fd.write(eventfd(0), new byte[3], 0, 3)));
    }

    static void readIntoClosedArena() throws Throwable {
        org.junit.jupiter.api.Assumptions.assumeTrue(Runtime.version().feature() >= 22,
                "MemorySegment.asByteBuffer is Java 22+");
        Class<?> arenaClass = Class.forName("java.lang.foreign.Arena");
        Class<?> segmentClass = Class.forName("java.lang.foreign.MemorySegment");
        AutoCloseable arena = (AutoCloseable) arenaClass.getMethod("ofConfined").invoke(null);
        Object segment = arenaClass.getMethod("allocate", long.class).invoke(arena, 64L);
        ByteBuffer freed = (ByteBuffer) segmentClass.getMethod("asByteBuffer").invoke(segment);
        arena.close();
        int[] p = pipe();
        Fds.write(p[1], "0123456789");
        // Without the check the kernel writes into freed memory (glibc then aborts the JVM).
        assertThrowsExactly(IllegalStateException.class, () -> Fd.read(p[0], freed));
        assertThrowsExactly(IllegalStateException.class, () -> Fd.write(p[1], freed));
        assertEquals(10, Fd.read(p[0], new byte[16], 0, 16), "nothing was consumed");
    }

    static void fdControl() {
        api("Fd.close(int)",
                iae("fd -1", () -> Fd.close(-1)),
                iae("fd MIN_VALUE", () -> Fd.close(Integer.MIN_VALUE)),
                errno("EBADF", "close", "fd never open", () -> Fd.close(NEVER_OPEN)),
                errno("EBADF", "close", "closed twice", () -> {
                    int fd = Fd.fcntl(eventfd(0), Fd.F_DUPFD_CLOEXEC, 4096);
                    Fd.close(fd);
                    Fd.close(fd); // 4096+: no other thread of the JVM gets this number meanwhile
                }));
        List<Case> fcntl = new ArrayList<>();
        for (int cmd : new int[] {-1, Integer.MIN_VALUE, 5 /* F_GETLK: takes a pointer */, 1030 + 1000}) {
            fcntl.add(iae("cmd " + cmd, () -> Fd.fcntl(eventfd(0), cmd, 0)));
        }
        fcntl.add(iae("F_SETOWN_EX: takes a struct pointer (Fd.setOwnEx builds it)",
                () -> Fd.fcntl(eventfd(0), Fd.F_SETOWN_EX, 0)));
        fcntl.add(iae("F_GETOWN_EX: takes a struct pointer", () -> Fd.fcntl(eventfd(0), Fd.F_GETOWN_EX, 0)));
        fcntl.add(iae("fd -1", () -> Fd.fcntl(-1, Fd.F_GETFL, 0)));
        fcntl.add(errno("EBADF", "fcntl", "fd never open", () -> Fd.fcntl(NEVER_OPEN, Fd.F_GETFD, 0)));
        fcntl.add(errno("EINVAL", "fcntl", "F_DUPFD_CLOEXEC from -1", () -> Fd.fcntl(eventfd(0), Fd.F_DUPFD_CLOEXEC, -1)));
        fcntl.add(errno("EINVAL", "fcntl", "F_DUPFD_CLOEXEC past RLIMIT_NOFILE",
                () -> Fd.fcntl(eventfd(0), Fd.F_DUPFD_CLOEXEC, NEVER_OPEN)));
        fcntl.add(legal("F_SETFD with unknown bits: the kernel keeps only FD_CLOEXEC", () -> {
            int fd = eventfd(0);
            Fd.fcntl(fd, Fd.F_SETFD, -1);
            assertEquals(Fd.FD_CLOEXEC, Fd.fcntl(fd, Fd.F_GETFD, 0));
        }));
        api("Fd.fcntl(int,int,int)", fcntl.toArray(new Case[0]));
        api("Fd.dup(int)",
                iae("fd -1", () -> Fd.dup(-1)),
                errno("EBADF", "dup", "fd never open", () -> Fd.dup(NEVER_OPEN)),
                legal("a new fd for the same file, without FD_CLOEXEC", () -> {
                    int fd = FDS.track(Fd.dup(eventfd(0)));
                    assertFalse(Fd.isCloexec(fd));
                }));
        api("Fd.dup3(int,int,int)",
                iae("oldfd -1", () -> Fd.dup3(-1, 5000, 0)),
                iae("newfd -1", () -> Fd.dup3(eventfd(0), -1, 0)),
                errno("EINVAL", "dup3", "oldfd == newfd", () -> {
                    int fd = eventfd(0);
                    Fd.dup3(fd, fd, 0);
                }),
                errno("EINVAL", "dup3", "unknown flags", () -> Fd.dup3(eventfd(0), 5001, 1)),
                errno("EBADF", "dup3", "newfd past RLIMIT_NOFILE", () -> Fd.dup3(eventfd(0), NEVER_OPEN, 0)),
                legal("O_CLOEXEC sets FD_CLOEXEC on newfd", () -> {
                    int fd = FDS.track(Fd.dup3(eventfd(0), 5002, Fd.O_CLOEXEC));
                    assertEquals(5002, fd);
                    assertTrue(Fd.isCloexec(fd));
                }));
        api("Fd.isCloexec(int)",
                iae("fd -1", () -> Fd.isCloexec(-1)),
                errno("EBADF", "fcntl", "fd never open", () -> Fd.isCloexec(NEVER_OPEN)));
        api("Fd.setCloexec(int,boolean)",
                iae("fd -1", () -> Fd.setCloexec(-1, true)),
                errno("EBADF", "fcntl", "fd never open", () -> Fd.setCloexec(NEVER_OPEN, true)),
                legal("round trip", () -> {
                    int fd = eventfd(0);
                    Fd.setCloexec(fd, false);
                    assertFalse(Fd.isCloexec(fd));
                    Fd.setCloexec(fd, true);
                    assertTrue(Fd.isCloexec(fd));
                }));
        api("Fd.getFl(int)",
                iae("fd -1", () -> Fd.getFl(-1)),
                errno("EBADF", "fcntl", "fd MAX_VALUE", () -> Fd.getFl(Integer.MAX_VALUE)));
        api("Fd.setFl(int,int)",
                iae("fd -1", () -> Fd.setFl(-1, 0)),
                errno("EBADF", "fcntl", "fd never open", () -> Fd.setFl(NEVER_OPEN, Fd.O_NONBLOCK)),
                legal("flags the kernel cannot change (O_RDWR, O_CLOEXEC...) are ignored, as fcntl(2) says", () -> {
                    int fd = eventfd(0);
                    int before = Fd.getFl(fd);
                    Fd.setFl(fd, before | Fd.O_CLOEXEC | 2 /* O_RDWR */);
                    assertEquals(before, Fd.getFl(fd));
                }));
        api("Fd.isNonBlocking(int)",
                iae("fd MIN_VALUE", () -> Fd.isNonBlocking(Integer.MIN_VALUE)),
                errno("EBADF", "fcntl", "fd never open", () -> Fd.isNonBlocking(NEVER_OPEN)));
        api("Fd.setNonBlocking(int,boolean)",
                iae("fd -1", () -> Fd.setNonBlocking(-1, true)),
                errno("EBADF", "fcntl", "fd never open", () -> Fd.setNonBlocking(NEVER_OPEN, false)));
        api("Fd.fdOf(SelectableChannel)",
                npe("null", () -> Fd.fdOf((SelectableChannel) null)),
                iae("a closed channel", () -> {
                    SocketChannel ch = SocketChannel.open();
                    ch.close();
                    Fd.fdOf(ch);
                }),
                iae("a channel of another provider", () -> {
                    try (ForeignChannel ch = new ForeignChannel()) {
                        Fd.fdOf(ch);
                    }
                }));
        api("Fd.fdOf(FileDescriptor)",
                npe("null", () -> Fd.fdOf((FileDescriptor) null)),
                iae("an invalid (never opened) FileDescriptor", () -> Fd.fdOf(new FileDescriptor())),
                legal("FileDescriptor.in is fd 0", () -> assertEquals(0, Fd.fdOf(FileDescriptor.in))));
    }

    static void fdSet() {
        api("FdSet()", legal("FD_SETSIZE bits", () -> assertEquals(FdSet.FD_SETSIZE, new FdSet().capacity())));
        List<Case> ctor = new ArrayList<>();
        for (int cap : new int[] {0, -1, Integer.MIN_VALUE, FdSet.MAX_CAPACITY + 1, Integer.MAX_VALUE}) {
            ctor.add(iae("capacity " + cap, () -> new FdSet(cap)));
        }
        api("FdSet(int)", ctor.toArray(new Case[0]));
        api("FdSet.capacity()", legal("rounded up to 64 bits, answers after close", () -> {
            FdSet s = new FdSet(65);
            s.close();
            assertEquals(128, s.capacity());
        }));
        for (String m : List.of("set", "clear", "isSet")) {
            List<Case> cases = new ArrayList<>();
            for (int fd : new int[] {-1, Integer.MIN_VALUE, 1024, Integer.MAX_VALUE}) {
                cases.add(iae("fd " + fd + " of a 1024-bit set", () -> bit(new FdSet(), m, fd)));
            }
            cases.add(ise("after close", () -> bit(closedSet(), m, 0)));
            api("FdSet." + m + "(int)", cases.toArray(new Case[0]));
        }
        api("FdSet.zero()", ise("after close", () -> closedSet().zero()));
        api("FdSet.copyFrom(FdSet)",
                npe("null", () -> new FdSet().copyFrom(null)),
                ise("closed source", () -> new FdSet().copyFrom(closedSet())),
                ise("closed target", () -> closedSet().copyFrom(new FdSet())),
                legal("a larger source is cut, a smaller one zero-fills", () -> {
                    FdSet big = new FdSet(4096);
                    big.set(5);
                    big.set(4000);
                    FdSet small = new FdSet(64);
                    small.copyFrom(big);
                    assertEquals(1, small.count());
                    big.copyFrom(small);
                    assertEquals(1, big.count());
                    big.copyFrom(big);
                    assertTrue(big.isSet(5));
                }));
        api("FdSet.nextSetBit(int)",
                iae("from -1", () -> new FdSet().nextSetBit(-1)),
                iae("from MIN_VALUE", () -> new FdSet().nextSetBit(Integer.MIN_VALUE)),
                ise("after close", () -> closedSet().nextSetBit(0)),
                legal("from capacity and MAX_VALUE: -1", () -> {
                    FdSet s = new FdSet();
                    s.set(1023);
                    assertEquals(1023, s.nextSetBit(0));
                    assertEquals(-1, s.nextSetBit(1024));
                    assertEquals(-1, s.nextSetBit(Integer.MAX_VALUE));
                }));
        api("FdSet.fdsBits(int)",
                ioobe("index -1", () -> new FdSet().fdsBits(-1)),
                ioobe("index 16 of a 1024-bit set", () -> new FdSet().fdsBits(16)),
                ioobe("index MIN_VALUE", () -> new FdSet().fdsBits(Integer.MIN_VALUE)),
                ioobe("index MAX_VALUE", () -> new FdSet().fdsBits(Integer.MAX_VALUE)),
                ise("after close", () -> closedSet().fdsBits(0)),
                legal("fd 1023 is bit 63 of long 15", () -> {
                    FdSet s = new FdSet();
                    s.set(1023);
                    s.set(64);
                    assertEquals(Long.MIN_VALUE, s.fdsBits(15));
                    assertEquals(1L, s.fdsBits(1));
                    assertEquals(0L, s.fdsBits(0));
                }));
        api("FdSet.count()", ise("after close", () -> closedSet().count()));
        api("FdSet.isOpen()", legal("false after close", () -> assertFalse(closedSet().isOpen())));
        api("FdSet.close()", legal("idempotent", () -> closedSet().close()));
    }

    static Object bit(FdSet s, String method, int fd) {
        switch (method) {
            case "set":
                s.set(fd);
                return null;
            case "clear":
                s.clear(fd);
                return null;
            default:
                return s.isSet(fd);
        }
    }

    static void jmux() {
        api("Jmux.isAvailable()", legal("true here", () -> assertTrue(Jmux.isAvailable())));
        api("Jmux.unavailabilityCause()", legal("null when loaded", () -> assertNull(Jmux.unavailabilityCause())));
        api("Jmux.ensureAvailable()", legal("no throw when loaded", Jmux::ensureAvailable));
        api("Jmux.noop(int)", legal("any int comes back", () -> {
            assertEquals(Integer.MIN_VALUE, Jmux.noop(Integer.MIN_VALUE));
            assertEquals(-1, Jmux.noop(-1));
        }));
        api("Jmux.noopOwned(int)", legal("any int comes back through the owner", () -> {
            assertEquals(Integer.MIN_VALUE, Jmux.noopOwned(Integer.MIN_VALUE));
            assertEquals(Integer.MAX_VALUE, Jmux.noopOwned(Integer.MAX_VALUE));
        }));
        api("Jmux.version()", legal("the build's version, never null", () -> assertFalse(Jmux.version().isEmpty())));
    }

    static void poll() {
        api("Poll.poll(PollFds,int)",
                npe("null", () -> Poll.poll(null, 0)),
                legal("timeout -2 is infinite: a ready entry returns at once", () -> {
                    PollFds p = new PollFds(1);
                    p.add(eventfd(1), Poll.POLLIN);
                    assertEquals(1, Poll.poll(p, -2));
                }),
                legal("timeout MIN_VALUE is infinite", () -> {
                    PollFds p = new PollFds(1);
                    p.add(eventfd(1), Poll.POLLIN);
                    assertEquals(1, Poll.poll(p, Integer.MIN_VALUE));
                }),
                ise("closed array", () -> Poll.poll(closedPollFds(), 0)),
                errno("EINVAL", "poll", "more entries than RLIMIT_NOFILE", () -> {
                    long limit = softFdLimit();
                    org.junit.jupiter.api.Assumptions.assumeTrue(limit < 1_000_000, "soft limit " + limit);
                    PollFds many = new PollFds((int) limit + 1);
                    for (int i = 0; i <= limit; i++) {
                        many.add(-1, Poll.POLLIN);
                    }
                    Poll.poll(many, 0);
                }),
                legal("negative fds are skipped (revents 0), never-open fds get POLLNVAL", () -> {
                    try (PollFds p = new PollFds(4)) {
                        p.add(-1, Poll.POLLIN);
                        p.add(Integer.MIN_VALUE, Poll.POLLIN);
                        p.add(NEVER_OPEN, Poll.POLLIN);
                        p.add(Integer.MAX_VALUE, 0);
                        assertEquals(2, Poll.poll(p, Integer.MAX_VALUE), "POLLNVAL makes poll return at once");
                        assertEquals(List.of(0, 0, Poll.POLLNVAL, Poll.POLLNVAL),
                                List.of(p.revents(0), p.revents(1), p.revents(2), p.revents(3)));
                    }
                }),
                legal("no entries, timeout 0: 0", () -> assertEquals(0, Poll.poll(new PollFds(0), 0))));
        api("Poll.eventNames(int)", legal("every bit, known or not", () -> {
            assertEquals("0", Poll.eventNames(0));
            assertTrue(Poll.eventNames(-1).contains("POLLNVAL"));
        }));
    }

    static void pollFds() {
        List<Case> ctor = new ArrayList<>();
        for (int cap : new int[] {-1, Integer.MIN_VALUE, PollFds.MAX_CAPACITY + 1, Integer.MAX_VALUE}) {
            ctor.add(iae("capacity " + cap, () -> new PollFds(cap)));
        }
        ctor.add(legal("capacity 0 is empty and full", () -> {
            PollFds p = new PollFds(0);
            assertThrowsExactly(IllegalStateException.class, () -> p.add(0, Poll.POLLIN));
        }));
        api("PollFds(int)", ctor.toArray(new Case[0]));
        api("PollFds.capacity()", legal("answers after close", () -> assertEquals(4, closedPollFds().capacity())));
        api("PollFds.size()", legal("0 after close of an empty array", () -> assertEquals(0, closedPollFds().size())));
        List<Case> add = new ArrayList<>();
        for (int events : new int[] {0x10000, 0x18000, Integer.MIN_VALUE, Short.MIN_VALUE - 1}) {
            add.add(iae("events 0x" + Integer.toHexString(events) + " do not fit the C short",
                    () -> new PollFds(1).add(0, events)));
        }
        for (int events : new int[] {0x800, 0x1000, 0x4000, 0x8000, 0xFFFF, -1}) {
            add.add(legal("events 0x" + Integer.toHexString(events) + " pass through as 16 bits", () -> {
                PollFds p = new PollFds(1);
                p.add(0, events);
                assertEquals(events & 0xFFFF, p.events(0));
            }));
        }
        add.add(ise("full", () -> {
            PollFds p = new PollFds(1);
            p.add(0, Poll.POLLIN);
            p.add(0, Poll.POLLIN);
        }));
        add.add(ise("after close", () -> closedPollFds().add(0, Poll.POLLIN)));
        api("PollFds.add(int,int)", add.toArray(new Case[0]));
        api("PollFds.set(int,int,int)",
                ioobe("index -1", () -> one().set(-1, 0, Poll.POLLIN)),
                ioobe("index == size", () -> one().set(1, 0, Poll.POLLIN)),
                ioobe("index MAX_VALUE", () -> one().set(Integer.MAX_VALUE, 0, Poll.POLLIN)),
                iae("unknown event bits", () -> one().set(0, 0, 0x10000)),
                ise("after close", () -> closedPollFds().set(0, 0, Poll.POLLIN)));
        api("PollFds.setEvents(int,int)",
                ioobe("index -1", () -> one().setEvents(-1, Poll.POLLIN)),
                ioobe("index == size", () -> one().setEvents(1, Poll.POLLIN)),
                iae("events past 16 bits", () -> one().setEvents(0, 0x10000)),
                legal("events -1 is 0xffff", () -> {
                    PollFds p = one();
                    p.setEvents(0, -1);
                    assertEquals(0xFFFF, p.events(0));
                }),
                ise("after close", () -> closedPollFds().setEvents(0, Poll.POLLIN)));
        for (String m : List.of("fd", "events", "revents")) {
            api("PollFds." + m + "(int)",
                    ioobe("index -1", () -> entry(one(), m, -1)),
                    ioobe("index == size", () -> entry(one(), m, 1)),
                    ioobe("index MIN_VALUE", () -> entry(one(), m, Integer.MIN_VALUE)),
                    ise("after close", () -> entry(closedPollFds(), m, 0)));
        }
        api("PollFds.remove(int)",
                ioobe("index -1", () -> one().remove(-1)),
                ioobe("index == size", () -> one().remove(1)),
                ioobe("empty array", () -> new PollFds(2).remove(0)),
                ise("after close", () -> closedPollFds().remove(0)));
        api("PollFds.clear()", ise("after close", () -> closedPollFds().clear()));
        api("PollFds.ofSize(int)",
                iae("n -1", () -> PollFds.ofSize(-1)),
                iae("n MAX_VALUE", () -> PollFds.ofSize(Integer.MAX_VALUE)),
                legal("n entries of fd -1, ready for set", () -> {
                    PollFds p = PollFds.ofSize(3);
                    assertEquals(3, p.size());
                    assertEquals(-1, p.fd(2));
                    p.set(1, 0, Poll.POLLIN);
                    assertEquals(0, p.fd(1));
                }));
        api("PollFds.setSize(int)",
                iae("size -1", () -> one().setSize(-1)),
                iae("size past capacity", () -> one().setSize(3)),
                ise("after close", () -> closedPollFds().setSize(0)),
                legal("grows with fd -1, shrinks", () -> {
                    PollFds p = one();
                    p.setSize(2);
                    assertEquals(-1, p.fd(1));
                    p.setSize(0);
                    assertEquals(0, p.size());
                }));
        api("PollFds.nextReady(int)",
                iae("from -1", () -> one().nextReady(-1)),
                ise("after close", () -> closedPollFds().nextReady(0)),
                legal("from past size is -1", () -> assertEquals(-1, one().nextReady(Integer.MAX_VALUE))),
                legal("finds the ready entry", () -> {
                    PollFds p = PollFds.ofSize(3);
                    p.set(2, eventfd(1), Poll.POLLIN);
                    assertEquals(1, Poll.poll(p, 0));
                    assertEquals(2, p.nextReady(0));
                    assertEquals(-1, p.nextReady(3));
                }));
        api("PollFds.isOpen()", legal("false after close", () -> assertFalse(closedPollFds().isOpen())));
        api("PollFds.close()", legal("idempotent", () -> closedPollFds().close()));
    }

    static PollFds one() {
        PollFds p = new PollFds(2);
        p.add(0, Poll.POLLIN);
        return p;
    }

    static int entry(PollFds p, String method, int index) {
        return method.equals("fd") ? p.fd(index) : method.equals("events") ? p.events(index) : p.revents(index);
    }

    static void select() {
        api("Select.select(int,FdSet,FdSet,FdSet,long)",
                errno("EINVAL", "select", "nfds -1 (the kernel's to refuse)", () -> Select.select(-1, null, null, null, 0)),
                errno("EINVAL", "select", "nfds MIN_VALUE", () -> Select.select(Integer.MIN_VALUE, new FdSet(), null, null, 0)),
                iae("nfds past readfds' capacity", () -> Select.select(1025, new FdSet(), null, null, 0)),
                iae("nfds past writefds' capacity", () -> Select.select(65, new FdSet(2048), new FdSet(64), null, 0)),
                iae("nfds past exceptfds' capacity", () -> Select.select(129, null, null, new FdSet(128), 0)),
                iae("nfds MAX_VALUE with a set", () -> Select.select(Integer.MAX_VALUE, new FdSet(), null, null, 0)),
                errno("EINVAL", "select", "timeout -2 µs: a negative timeval", () -> Select.select(0, null, null, null, -2)),
                errno("EINVAL", "select", "timeout Long.MIN_VALUE", () -> Select.select(0, null, null, null, Long.MIN_VALUE)),
                ise("a closed set", () -> Select.select(1, closedSet(), null, null, 0)),
                errno("EBADF", "select", "a closed fd inside the fd table", () -> {
                    int fd = closedInTable();
                    FdSet r = new FdSet(fd + 1);
                    r.set(fd);
                    Select.select(fd + 1, r, null, null, 0);
                }),
                legal("timeout Long.MAX_VALUE µs with an fd ready returns it at once", () -> {
                    int fd = eventfd(1);
                    FdSet r = new FdSet(fd + 1);
                    r.set(fd);
                    assertEquals(1, Select.select(fd + 1, r, null, null, Long.MAX_VALUE));
                    assertTrue(r.isSet(fd));
                }),
                legal("nfds MAX_VALUE with no sets: the kernel caps nfds, returns 0", () ->
                        assertEquals(0, Select.select(Integer.MAX_VALUE, null, null, null, 0))));
    }

    static void sockets() {
        api("Sockets.socket(int,int,int)",
                errno("EAFNOSUPPORT", "socket", "domain -1", () -> Sockets.socket(-1, Sockets.SOCK_STREAM, 0)),
                errno("EAFNOSUPPORT", "socket", "domain 12345", () -> Sockets.socket(12345, Sockets.SOCK_STREAM, 0)),
                errno("EINVAL", "socket", "type -1", () -> Sockets.socket(Sockets.AF_INET, -1, 0)),
                errno("EPROTONOSUPPORT", "socket", "protocol UDP for a stream socket",
                        () -> Sockets.socket(Sockets.AF_INET, Sockets.SOCK_STREAM, 17)),
                errno("EINVAL", "socket", "protocol 12345 (past IPPROTO_MAX)",
                        () -> Sockets.socket(Sockets.AF_INET, Sockets.SOCK_STREAM, 12345)));
        api("Sockets.socketpair(int,int,int)",
                errno("EOPNOTSUPP", "socketpair", "AF_INET", () -> Sockets.socketpair(Sockets.AF_INET, Sockets.SOCK_STREAM, 0)),
                errno("EAFNOSUPPORT", "socketpair", "domain -1", () -> Sockets.socketpair(-1, Sockets.SOCK_STREAM, 0)),
                errno("EINVAL", "socketpair", "type -1", () -> Sockets.socketpair(Sockets.AF_UNIX, -1, 0)));
        api("Sockets.setsockopt(int,int,int,int)",
                iae("fd -1", () -> Sockets.setsockopt(-1, Sockets.SOL_SOCKET, Sockets.SO_REUSEADDR, 1)),
                errno("EBADF", "setsockopt", "fd never open",
                        () -> Sockets.setsockopt(NEVER_OPEN, Sockets.SOL_SOCKET, Sockets.SO_REUSEADDR, 1)),
                errno("ENOTSOCK", "setsockopt", "a pipe",
                        () -> Sockets.setsockopt(pipe()[0], Sockets.SOL_SOCKET, Sockets.SO_REUSEADDR, 1)),
                errno("ENOPROTOOPT", "setsockopt", "level 12345", () -> Sockets.setsockopt(tcp(), 12345, 1, 1)),
                errno("ENOPROTOOPT", "setsockopt", "option -1", () -> Sockets.setsockopt(tcp(), Sockets.SOL_SOCKET, -1, 1)));
        api("Sockets.getsockopt(int,int,int)",
                iae("fd MIN_VALUE", () -> Sockets.getsockopt(Integer.MIN_VALUE, Sockets.SOL_SOCKET, Sockets.SO_ERROR)),
                errno("ENOTSOCK", "getsockopt", "an eventfd",
                        () -> Sockets.getsockopt(eventfd(0), Sockets.SOL_SOCKET, Sockets.SO_ERROR)),
                errno("ENOPROTOOPT", "getsockopt", "option 12345", () -> Sockets.getsockopt(tcp(), Sockets.SOL_SOCKET, 12345)));
        api("Sockets.setReuseAddress(int,boolean)",
                iae("fd -1", () -> Sockets.setReuseAddress(-1, true)),
                errno("ENOTSOCK", "setsockopt", "a pipe", () -> Sockets.setReuseAddress(pipe()[1], true)));
        api("Sockets.bind(int,InetSocketAddress)",
                npe("null address", () -> Sockets.bind(tcp(), null)),
                iae("unresolved address", () -> Sockets.bind(tcp(), InetSocketAddress.createUnresolved("localhost", 0))),
                iae("fd -1", () -> Sockets.bind(-1, loopback(0))),
                errno("ENOTSOCK", "bind", "a pipe", () -> Sockets.bind(pipe()[0], loopback(0))),
                errno("EAFNOSUPPORT", "bind", "an IPv6 address on an IPv4 socket",
                        () -> Sockets.bind(tcp(), new InetSocketAddress(InetAddress.getByName("::1"), 0))),
                errno("EINVAL", "bind", "bound twice", () -> {
                    int fd = tcp();
                    Sockets.bind(fd, loopback(0));
                    Sockets.bind(fd, loopback(0));
                }));
        api("Sockets.listen(int,int)",
                iae("fd -1", () -> Sockets.listen(-1, 1)),
                errno("ENOTSOCK", "listen", "an eventfd", () -> Sockets.listen(eventfd(0), 1)),
                errno("EOPNOTSUPP", "listen", "a UDP socket", () -> Sockets.listen(udp(), 1)),
                legal("backlog MIN_VALUE: the kernel caps it at somaxconn, as in C", () -> Sockets.listen(tcp(), Integer.MIN_VALUE)));
        api("Sockets.accept4(int,int)",
                iae("fd -1", () -> Sockets.accept4(-1, 0)),
                errno("EINVAL", "accept4", "unknown flags", () -> {
                    int fd = tcp();
                    Sockets.listen(fd, 1);
                    Sockets.accept4(fd, -1);
                }),
                errno("EINVAL", "accept4", "not listening", () -> Sockets.accept4(tcp(), 0)),
                errno("ENOTSOCK", "accept4", "a pipe", () -> Sockets.accept4(pipe()[0], 0)),
                legal("nothing pending on a non-blocking listener: -EAGAIN", () -> {
                    int fd = tcp();
                    Sockets.bind(fd, loopback(0));
                    Sockets.listen(fd, 1);
                    assertEquals(-Errno.EAGAIN, Sockets.accept4(fd, Sockets.SOCK_CLOEXEC));
                }));
        api("Sockets.connect(int,InetSocketAddress)",
                npe("null address", () -> Sockets.connect(tcp(), null)),
                iae("unresolved address", () -> Sockets.connect(tcp(), InetSocketAddress.createUnresolved("localhost", 1))),
                iae("fd MIN_VALUE", () -> Sockets.connect(Integer.MIN_VALUE, loopback(1))),
                errno("ENOTSOCK", "connect", "a pipe", () -> Sockets.connect(pipe()[1], loopback(1))),
                errno("EAFNOSUPPORT", "connect", "an IPv6 address on an IPv4 socket",
                        () -> Sockets.connect(tcp(), new InetSocketAddress(InetAddress.getByName("::1"), 1))),
                errno("ECONNREFUSED", "connect", "a loopback port nobody listens on (blocking socket)", () -> {
                    int port;
                    int probe = tcp();
                    Sockets.bind(probe, loopback(0));
                    port = Sockets.getsockname(probe).getPort(); // bound, not listening: refuses
                    int fd = FDS.track(Sockets.socket(Sockets.AF_INET, Sockets.SOCK_STREAM | Sockets.SOCK_CLOEXEC, 0));
                    Sockets.connect(fd, loopback(port));
                }));
        api("Sockets.getsockname(int)",
                iae("fd -1", () -> Sockets.getsockname(-1)),
                errno("ENOTSOCK", "getsockname", "a pipe", () -> Sockets.getsockname(pipe()[0])),
                errno("EBADF", "getsockname", "fd never open", () -> Sockets.getsockname(NEVER_OPEN)),
                uoe("an AF_UNIX socket", () -> Sockets.getsockname(socketpair()[0])));
        api("Sockets.getpeername(int)",
                iae("fd -1", () -> Sockets.getpeername(-1)),
                errno("ENOTCONN", "getpeername", "an unconnected TCP socket", () -> Sockets.getpeername(tcp())),
                errno("ENOTSOCK", "getpeername", "an eventfd", () -> Sockets.getpeername(eventfd(0))));
        api("Sockets.shutdown(int,int)",
                iae("fd -1", () -> Sockets.shutdown(-1, Sockets.SHUT_WR)),
                errno("EINVAL", "shutdown", "how 3", () -> Sockets.shutdown(socketpair()[0], 3)),
                errno("EINVAL", "shutdown", "how -1", () -> Sockets.shutdown(socketpair()[0], -1)),
                errno("ENOTCONN", "shutdown", "an unconnected TCP socket", () -> Sockets.shutdown(tcp(), Sockets.SHUT_RDWR)),
                errno("ENOTSOCK", "shutdown", "a pipe", () -> Sockets.shutdown(pipe()[0], Sockets.SHUT_RD)));
    }
}
