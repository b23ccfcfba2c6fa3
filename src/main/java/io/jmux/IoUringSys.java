package io.jmux;

import java.lang.ref.Reference;
import java.nio.ByteBuffer;

/**
 * The syscall layer under {@link IoUring}: {@code io_uring_setup}, the ring mmaps,
 * {@code io_uring_enter} and {@code io_uring_register}, one traced wrapper each, and the
 * layouts of the io_uring structs, all read from {@code <linux/io_uring.h>}. Wrappers
 * return the kernel's raw result (n or -errno, or {@link Owner#ECLOSED}); the public class
 * applies the rules. Also formats an SQE for trace mode, since only this layer knows the
 * struct.
 */
final class IoUringSys {
    // struct io_uring_params
    static final int SIZEOF_PARAMS = Native.constant("sizeof.io_uring_params");
    static final int P_SQ_ENTRIES = Native.constant("offsetof.io_uring_params.sq_entries");
    static final int P_CQ_ENTRIES = Native.constant("offsetof.io_uring_params.cq_entries");
    static final int P_FLAGS = Native.constant("offsetof.io_uring_params.flags");
    static final int P_SQ_THREAD_CPU = Native.constant("offsetof.io_uring_params.sq_thread_cpu");
    static final int P_SQ_THREAD_IDLE = Native.constant("offsetof.io_uring_params.sq_thread_idle");
    static final int P_FEATURES = Native.constant("offsetof.io_uring_params.features");
    static final int P_WQ_FD = Native.constant("offsetof.io_uring_params.wq_fd");
    static final int SQ_HEAD = Native.constant("offsetof.io_uring_params.sq_off.head");
    static final int SQ_TAIL = Native.constant("offsetof.io_uring_params.sq_off.tail");
    static final int SQ_RING_MASK = Native.constant("offsetof.io_uring_params.sq_off.ring_mask");
    static final int SQ_FLAGS = Native.constant("offsetof.io_uring_params.sq_off.flags");
    static final int SQ_DROPPED = Native.constant("offsetof.io_uring_params.sq_off.dropped");
    static final int SQ_ARRAY = Native.constant("offsetof.io_uring_params.sq_off.array");
    static final int CQ_HEAD = Native.constant("offsetof.io_uring_params.cq_off.head");
    static final int CQ_TAIL = Native.constant("offsetof.io_uring_params.cq_off.tail");
    static final int CQ_RING_MASK = Native.constant("offsetof.io_uring_params.cq_off.ring_mask");
    static final int CQ_OVERFLOW = Native.constant("offsetof.io_uring_params.cq_off.overflow");
    static final int CQ_CQES = Native.constant("offsetof.io_uring_params.cq_off.cqes");

    // struct io_uring_sqe
    static final int SIZEOF_SQE = Native.constant("sizeof.io_uring_sqe");
    static final int SQE_OPCODE = Native.constant("offsetof.io_uring_sqe.opcode");
    static final int SQE_FLAGS = Native.constant("offsetof.io_uring_sqe.flags");
    static final int SQE_IOPRIO = Native.constant("offsetof.io_uring_sqe.ioprio");
    static final int SQE_FD = Native.constant("offsetof.io_uring_sqe.fd");
    static final int SQE_OFF = Native.constant("offsetof.io_uring_sqe.off");
    static final int SQE_ADDR = Native.constant("offsetof.io_uring_sqe.addr");
    static final int SQE_LEN = Native.constant("offsetof.io_uring_sqe.len");
    static final int SQE_OP_FLAGS = Native.constant("offsetof.io_uring_sqe.rw_flags");
    static final int SQE_POLL32 = Native.constant("offsetof.io_uring_sqe.poll32_events");
    static final int SQE_USER_DATA = Native.constant("offsetof.io_uring_sqe.user_data");
    static final int SQE_BUF_GROUP = Native.constant("offsetof.io_uring_sqe.buf_group");

    // struct io_uring_cqe
    static final int SIZEOF_CQE = Native.constant("sizeof.io_uring_cqe");
    static final int CQE_USER_DATA = Native.constant("offsetof.io_uring_cqe.user_data");
    static final int CQE_RES = Native.constant("offsetof.io_uring_cqe.res");
    static final int CQE_FLAGS = Native.constant("offsetof.io_uring_cqe.flags");

    // provided buffer rings
    static final int SIZEOF_BUF = Native.constant("sizeof.io_uring_buf");
    static final int BUF_ADDR = Native.constant("offsetof.io_uring_buf.addr");
    static final int BUF_LEN = Native.constant("offsetof.io_uring_buf.len");
    static final int BUF_BID = Native.constant("offsetof.io_uring_buf.bid");
    static final int BUF_RING_TAIL = Native.constant("offsetof.io_uring_buf_ring.tail");
    static final int SIZEOF_BUF_REG = Native.constant("sizeof.io_uring_buf_reg");
    static final int BUF_REG_RING_ADDR = Native.constant("offsetof.io_uring_buf_reg.ring_addr");
    static final int BUF_REG_RING_ENTRIES = Native.constant("offsetof.io_uring_buf_reg.ring_entries");
    static final int BUF_REG_BGID = Native.constant("offsetof.io_uring_buf_reg.bgid");

    // IORING_REGISTER_PROBE
    static final int SIZEOF_PROBE = Native.constant("sizeof.io_uring_probe");
    static final int PROBE_LAST_OP = Native.constant("offsetof.io_uring_probe.last_op");
    static final int PROBE_OPS_LEN = Native.constant("offsetof.io_uring_probe.ops_len");
    static final int PROBE_OPS = Native.constant("offsetof.io_uring_probe.ops");
    static final int SIZEOF_PROBE_OP = Native.constant("sizeof.io_uring_probe_op");
    static final int PROBE_OP_FLAGS = Native.constant("offsetof.io_uring_probe_op.flags");

    // struct __kernel_timespec (IORING_OP_TIMEOUT), sockaddrs (IORING_OP_CONNECT)
    static final int SIZEOF_TIMESPEC = Native.constant("sizeof.__kernel_timespec");
    static final int TS_SEC = Native.constant("offsetof.__kernel_timespec.tv_sec");
    static final int TS_NSEC = Native.constant("offsetof.__kernel_timespec.tv_nsec");
    static final int SIZEOF_SOCKADDR_IN = Native.constant("sizeof.sockaddr_in");
    static final int SIN_FAMILY = Native.constant("offsetof.sockaddr_in.sin_family");
    static final int SIN_PORT = Native.constant("offsetof.sockaddr_in.sin_port");
    static final int SIN_ADDR = Native.constant("offsetof.sockaddr_in.sin_addr");
    static final int SIZEOF_SOCKADDR_IN6 = Native.constant("sizeof.sockaddr_in6");
    static final int SIN6_FAMILY = Native.constant("offsetof.sockaddr_in6.sin6_family");
    static final int SIN6_PORT = Native.constant("offsetof.sockaddr_in6.sin6_port");
    static final int SIN6_FLOWINFO = Native.constant("offsetof.sockaddr_in6.sin6_flowinfo");
    static final int SIN6_ADDR = Native.constant("offsetof.sockaddr_in6.sin6_addr");
    static final int SIN6_SCOPE_ID = Native.constant("offsetof.sockaddr_in6.sin6_scope_id");

    static final int IORING_ENTER_GETEVENTS = Native.constant("IORING_ENTER_GETEVENTS");
    static final int IORING_ENTER_SQ_WAKEUP = Native.constant("IORING_ENTER_SQ_WAKEUP");
    static final int IORING_ENTER_EXT_ARG = Native.constant("IORING_ENTER_EXT_ARG");

    static final CNames SETUP_FLAGS = CNames.of("IORING_SETUP_");
    static final CNames FEATURES = CNames.of("IORING_FEAT_");
    static final CNames ENTER_FLAGS = CNames.of("IORING_ENTER_");
    static final CNames OPCODES = CNames.of("IORING_OP_");
    static final CNames SQE_FLAG_NAMES = CNames.of("IOSQE_");
    static final CNames REGISTER_OPS = CNames.of("IORING_REGISTER_");
    static final CNames UNREGISTER_OPS = CNames.of("IORING_UNREGISTER_");

    private IoUringSys() {}

    /** {@code io_uring_setup(entries, params)}: the ring fd, or -errno. */
    static int setup(int entries, ByteBuffer params, long paramsAddress) {
        // The kernel writes its answer over the struct: spell the call from what went in.
        Native.ensureLoaded();
        String in = Trace.ON ? "io_uring_setup(" + Integer.toUnsignedString(entries) + ", {flags="
                + SETUP_FLAGS.flags(params.getInt(P_FLAGS)) + ", sq_thread_cpu=" + params.getInt(P_SQ_THREAD_CPU)
                + ", sq_thread_idle=" + params.getInt(P_SQ_THREAD_IDLE) + ", cq_entries="
                + Integer.toUnsignedString(params.getInt(P_CQ_ENTRIES)) + ", wq_fd=" + params.getInt(P_WQ_FD) + "})"
                : null;
        long t0 = Trace.ON ? System.nanoTime() : 0;
        int r = setup0(entries, paramsAddress);
        Reference.reachabilityFence(params);
        if (Trace.ON) {
            Trace.emit(t0, r, () -> in, () -> r + " ({sq_entries=" + params.getInt(P_SQ_ENTRIES) + ", cq_entries="
                    + params.getInt(P_CQ_ENTRIES) + ", features=" + FEATURES.flags(params.getInt(P_FEATURES)) + "})");
        }
        return r;
    }

    /** The three mmaps of a fresh ring fd; six longs written to {@code out}. 0 or -errno. */
    static int map(int fd, ByteBuffer params, long paramsAddress, ByteBuffer out, long outAddress) {
        Native.ensureLoaded();
        long t0 = Trace.ON ? System.nanoTime() : 0;
        int r = map0(fd, paramsAddress, outAddress);
        Reference.reachabilityFence(params);
        Reference.reachabilityFence(out);
        if (Trace.ON) {
            Trace.emit(t0, r, () -> "mmap(NULL, " + out.getLong(8) + ", PROT_READ|PROT_WRITE, MAP_SHARED|MAP_POPULATE, "
                    + fd + ", IORING_OFF_SQ_RING)" + (out.getLong(24) == 0 ? " [+ CQ ring: IORING_FEAT_SINGLE_MMAP]"
                    : " + mmap(NULL, " + out.getLong(24) + ", ..., IORING_OFF_CQ_RING)")
                    + " + mmap(NULL, " + out.getLong(40) + ", ..., IORING_OFF_SQES)");
        }
        return r;
    }

    static ByteBuffer wrap(long address, long length) {
        Native.ensureLoaded();
        return wrap0(address, length);
    }

    /** munmap, from the Cleaner only (not traced: it runs on the Cleaner's thread). */
    static int unmap(long address, long length) {
        return unmap0(address, length);
    }

    static long pageSize() {
        Native.ensureLoaded();
        return pageSize0();
    }

    /** {@code io_uring_enter(fd, toSubmit, minComplete, flags, ...)}; a timeout >= 0 adds EXT_ARG. */
    static int enter(Owner o, int toSubmit, int minComplete, int flags, long timeoutNanos) {
        Native.ensureLoaded();
        long t0 = Trace.ON ? System.nanoTime() : 0;
        int r = enter0(o.address, o.gen, toSubmit, minComplete, flags, timeoutNanos);
        Reference.reachabilityFence(o);
        if (Trace.ON) {
            Trace.emit(t0, r, () -> "io_uring_enter(" + o.fd + ", " + Integer.toUnsignedString(toSubmit) + ", "
                    + Integer.toUnsignedString(minComplete) + ", "
                    + ENTER_FLAGS.flags(timeoutNanos >= 0 ? flags | IORING_ENTER_EXT_ARG : flags) + ", "
                    + (timeoutNanos >= 0 ? "{sigmask=NULL, ts=" + Trace.timespec(timeoutNanos) + "}, 24)" : "NULL, 8)"));
        }
        return r;
    }

    /** {@code io_uring_register(fd, opcode, arg, nrArgs)}; arg is 0 or memory sized for opcode. */
    static int register(Owner o, int opcode, ByteBuffer arg, long argAddress, int nrArgs) {
        Native.ensureLoaded();
        long t0 = Trace.ON ? System.nanoTime() : 0;
        int r = register0(o.address, o.gen, opcode, argAddress, nrArgs);
        Reference.reachabilityFence(o);
        Reference.reachabilityFence(arg);
        if (Trace.ON) {
            Trace.emit(t0, r, () -> "io_uring_register(" + o.fd + ", " + registerName(opcode) + ", "
                    + (argAddress == 0 ? "NULL" : "0x" + Long.toHexString(argAddress)) + ", " + nrArgs + ")");
        }
        return r;
    }

    static String registerName(int opcode) {
        String name = REGISTER_OPS.value(opcode);
        return name.startsWith("IORING_") ? name : UNREGISTER_OPS.value(opcode);
    }

    /** One submitted SQE as a trace line, its fields as C names them. */
    static void traceSqe(ByteBuffer sqes, int offset, int index) {
        try {
            int opcode = sqes.get(offset + SQE_OPCODE) & 0xFF;
            Trace.line("io_uring_sqe[" + index + "] = {opcode=" + OPCODES.value(opcode)
                    + ", flags=" + SQE_FLAG_NAMES.flags(sqes.get(offset + SQE_FLAGS) & 0xFF)
                    + ", ioprio=" + (sqes.getShort(offset + SQE_IOPRIO) & 0xFFFF)
                    + ", fd=" + sqes.getInt(offset + SQE_FD)
                    + ", off=" + sqes.getLong(offset + SQE_OFF)
                    + ", addr=" + Trace.data(sqes.getLong(offset + SQE_ADDR))
                    + ", len=" + Integer.toUnsignedString(sqes.getInt(offset + SQE_LEN))
                    + ", op_flags=0x" + Integer.toHexString(sqes.getInt(offset + SQE_OP_FLAGS))
                    + ", user_data=" + Trace.data(sqes.getLong(offset + SQE_USER_DATA))
                    + ", buf_group=" + (sqes.getShort(offset + SQE_BUF_GROUP) & 0xFFFF) + "}");
        } catch (RuntimeException e) {
            Trace.line("<jmux trace: cannot format io_uring_sqe[" + index + "]: " + e + ">");
        }
    }

    private static native int setup0(int entries, long params);

    private static native int map0(int fd, long params, long out);

    private static native ByteBuffer wrap0(long address, long length);

    private static native int unmap0(long address, long length);

    private static native long pageSize0();

    private static native int enter0(long owner, int gen, int toSubmit, int minComplete, int flags,
                                     long timeoutNanos);

    private static native int register0(long owner, int gen, int opcode, long arg, int nrArgs);
}
