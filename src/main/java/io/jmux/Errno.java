package io.jmux;

import java.util.HashMap;
import java.util.Map;

/**
 * Linux errno values, read from {@code <errno.h>} when the library loads, with their
 * symbolic names and {@code strerror(3)} text.
 *
 * <p>A class of int constants, not an enum: a kernel can return numbers this build does
 * not know, and {@link #name(int)} still answers for them ({@code "errno 200"}).
 *
 * <p>jmux methods that may legitimately meet a would-block condition return the kernel's
 * negative result instead of throwing: test it with {@link #isWouldBlock(int)} or
 * {@link #isInProgress(int)}.
 *
 * @see <a href="https://man7.org/linux/man-pages/man3/errno.3.html">errno(3)</a>
 */
public final class Errno {
    /** {@code EPERM} from {@code <errno.h>}. */
    public static final int EPERM = Native.constant("errno.EPERM");
    /** {@code ENOENT} from {@code <errno.h>}. */
    public static final int ENOENT = Native.constant("errno.ENOENT");
    /** {@code ESRCH} from {@code <errno.h>}. */
    public static final int ESRCH = Native.constant("errno.ESRCH");
    /** {@code EINTR} from {@code <errno.h>}. */
    public static final int EINTR = Native.constant("errno.EINTR");
    /** {@code EIO} from {@code <errno.h>}. */
    public static final int EIO = Native.constant("errno.EIO");
    /** {@code ENXIO} from {@code <errno.h>}. */
    public static final int ENXIO = Native.constant("errno.ENXIO");
    /** {@code E2BIG} from {@code <errno.h>}. */
    public static final int E2BIG = Native.constant("errno.E2BIG");
    /** {@code ENOEXEC} from {@code <errno.h>}. */
    public static final int ENOEXEC = Native.constant("errno.ENOEXEC");
    /** {@code EBADF} from {@code <errno.h>}. */
    public static final int EBADF = Native.constant("errno.EBADF");
    /** {@code ECHILD} from {@code <errno.h>}. */
    public static final int ECHILD = Native.constant("errno.ECHILD");
    /** {@code EAGAIN} from {@code <errno.h>}. */
    public static final int EAGAIN = Native.constant("errno.EAGAIN");
    /** {@code ENOMEM} from {@code <errno.h>}. */
    public static final int ENOMEM = Native.constant("errno.ENOMEM");
    /** {@code EACCES} from {@code <errno.h>}. */
    public static final int EACCES = Native.constant("errno.EACCES");
    /** {@code EFAULT} from {@code <errno.h>}. */
    public static final int EFAULT = Native.constant("errno.EFAULT");
    /** {@code ENOTBLK} from {@code <errno.h>}. */
    public static final int ENOTBLK = Native.constant("errno.ENOTBLK");
    /** {@code EBUSY} from {@code <errno.h>}. */
    public static final int EBUSY = Native.constant("errno.EBUSY");
    /** {@code EEXIST} from {@code <errno.h>}. */
    public static final int EEXIST = Native.constant("errno.EEXIST");
    /** {@code EXDEV} from {@code <errno.h>}. */
    public static final int EXDEV = Native.constant("errno.EXDEV");
    /** {@code ENODEV} from {@code <errno.h>}. */
    public static final int ENODEV = Native.constant("errno.ENODEV");
    /** {@code ENOTDIR} from {@code <errno.h>}. */
    public static final int ENOTDIR = Native.constant("errno.ENOTDIR");
    /** {@code EISDIR} from {@code <errno.h>}. */
    public static final int EISDIR = Native.constant("errno.EISDIR");
    /** {@code EINVAL} from {@code <errno.h>}. */
    public static final int EINVAL = Native.constant("errno.EINVAL");
    /** {@code ENFILE} from {@code <errno.h>}. */
    public static final int ENFILE = Native.constant("errno.ENFILE");
    /** {@code EMFILE} from {@code <errno.h>}. */
    public static final int EMFILE = Native.constant("errno.EMFILE");
    /** {@code ENOTTY} from {@code <errno.h>}. */
    public static final int ENOTTY = Native.constant("errno.ENOTTY");
    /** {@code ETXTBSY} from {@code <errno.h>}. */
    public static final int ETXTBSY = Native.constant("errno.ETXTBSY");
    /** {@code EFBIG} from {@code <errno.h>}. */
    public static final int EFBIG = Native.constant("errno.EFBIG");
    /** {@code ENOSPC} from {@code <errno.h>}. */
    public static final int ENOSPC = Native.constant("errno.ENOSPC");
    /** {@code ESPIPE} from {@code <errno.h>}. */
    public static final int ESPIPE = Native.constant("errno.ESPIPE");
    /** {@code EROFS} from {@code <errno.h>}. */
    public static final int EROFS = Native.constant("errno.EROFS");
    /** {@code EMLINK} from {@code <errno.h>}. */
    public static final int EMLINK = Native.constant("errno.EMLINK");
    /** {@code EPIPE} from {@code <errno.h>}. */
    public static final int EPIPE = Native.constant("errno.EPIPE");
    /** {@code EDOM} from {@code <errno.h>}. */
    public static final int EDOM = Native.constant("errno.EDOM");
    /** {@code ERANGE} from {@code <errno.h>}. */
    public static final int ERANGE = Native.constant("errno.ERANGE");
    /** {@code EDEADLK} from {@code <errno.h>}. */
    public static final int EDEADLK = Native.constant("errno.EDEADLK");
    /** {@code ENAMETOOLONG} from {@code <errno.h>}. */
    public static final int ENAMETOOLONG = Native.constant("errno.ENAMETOOLONG");
    /** {@code ENOLCK} from {@code <errno.h>}. */
    public static final int ENOLCK = Native.constant("errno.ENOLCK");
    /** {@code ENOSYS} from {@code <errno.h>}. */
    public static final int ENOSYS = Native.constant("errno.ENOSYS");
    /** {@code ENOTEMPTY} from {@code <errno.h>}. */
    public static final int ENOTEMPTY = Native.constant("errno.ENOTEMPTY");
    /** {@code ELOOP} from {@code <errno.h>}. */
    public static final int ELOOP = Native.constant("errno.ELOOP");
    /** {@code ENOMSG} from {@code <errno.h>}. */
    public static final int ENOMSG = Native.constant("errno.ENOMSG");
    /** {@code EIDRM} from {@code <errno.h>}. */
    public static final int EIDRM = Native.constant("errno.EIDRM");
    /** {@code ECHRNG} from {@code <errno.h>}. */
    public static final int ECHRNG = Native.constant("errno.ECHRNG");
    /** {@code EL2NSYNC} from {@code <errno.h>}. */
    public static final int EL2NSYNC = Native.constant("errno.EL2NSYNC");
    /** {@code EL3HLT} from {@code <errno.h>}. */
    public static final int EL3HLT = Native.constant("errno.EL3HLT");
    /** {@code EL3RST} from {@code <errno.h>}. */
    public static final int EL3RST = Native.constant("errno.EL3RST");
    /** {@code ELNRNG} from {@code <errno.h>}. */
    public static final int ELNRNG = Native.constant("errno.ELNRNG");
    /** {@code EUNATCH} from {@code <errno.h>}. */
    public static final int EUNATCH = Native.constant("errno.EUNATCH");
    /** {@code ENOCSI} from {@code <errno.h>}. */
    public static final int ENOCSI = Native.constant("errno.ENOCSI");
    /** {@code EL2HLT} from {@code <errno.h>}. */
    public static final int EL2HLT = Native.constant("errno.EL2HLT");
    /** {@code EBADE} from {@code <errno.h>}. */
    public static final int EBADE = Native.constant("errno.EBADE");
    /** {@code EBADR} from {@code <errno.h>}. */
    public static final int EBADR = Native.constant("errno.EBADR");
    /** {@code EXFULL} from {@code <errno.h>}. */
    public static final int EXFULL = Native.constant("errno.EXFULL");
    /** {@code ENOANO} from {@code <errno.h>}. */
    public static final int ENOANO = Native.constant("errno.ENOANO");
    /** {@code EBADRQC} from {@code <errno.h>}. */
    public static final int EBADRQC = Native.constant("errno.EBADRQC");
    /** {@code EBADSLT} from {@code <errno.h>}. */
    public static final int EBADSLT = Native.constant("errno.EBADSLT");
    /** {@code EBFONT} from {@code <errno.h>}. */
    public static final int EBFONT = Native.constant("errno.EBFONT");
    /** {@code ENOSTR} from {@code <errno.h>}. */
    public static final int ENOSTR = Native.constant("errno.ENOSTR");
    /** {@code ENODATA} from {@code <errno.h>}. */
    public static final int ENODATA = Native.constant("errno.ENODATA");
    /** {@code ETIME} from {@code <errno.h>}. */
    public static final int ETIME = Native.constant("errno.ETIME");
    /** {@code ENOSR} from {@code <errno.h>}. */
    public static final int ENOSR = Native.constant("errno.ENOSR");
    /** {@code ENONET} from {@code <errno.h>}. */
    public static final int ENONET = Native.constant("errno.ENONET");
    /** {@code ENOPKG} from {@code <errno.h>}. */
    public static final int ENOPKG = Native.constant("errno.ENOPKG");
    /** {@code EREMOTE} from {@code <errno.h>}. */
    public static final int EREMOTE = Native.constant("errno.EREMOTE");
    /** {@code ENOLINK} from {@code <errno.h>}. */
    public static final int ENOLINK = Native.constant("errno.ENOLINK");
    /** {@code EADV} from {@code <errno.h>}. */
    public static final int EADV = Native.constant("errno.EADV");
    /** {@code ESRMNT} from {@code <errno.h>}. */
    public static final int ESRMNT = Native.constant("errno.ESRMNT");
    /** {@code ECOMM} from {@code <errno.h>}. */
    public static final int ECOMM = Native.constant("errno.ECOMM");
    /** {@code EPROTO} from {@code <errno.h>}. */
    public static final int EPROTO = Native.constant("errno.EPROTO");
    /** {@code EMULTIHOP} from {@code <errno.h>}. */
    public static final int EMULTIHOP = Native.constant("errno.EMULTIHOP");
    /** {@code EDOTDOT} from {@code <errno.h>}. */
    public static final int EDOTDOT = Native.constant("errno.EDOTDOT");
    /** {@code EBADMSG} from {@code <errno.h>}. */
    public static final int EBADMSG = Native.constant("errno.EBADMSG");
    /** {@code EOVERFLOW} from {@code <errno.h>}. */
    public static final int EOVERFLOW = Native.constant("errno.EOVERFLOW");
    /** {@code ENOTUNIQ} from {@code <errno.h>}. */
    public static final int ENOTUNIQ = Native.constant("errno.ENOTUNIQ");
    /** {@code EBADFD} from {@code <errno.h>}. */
    public static final int EBADFD = Native.constant("errno.EBADFD");
    /** {@code EREMCHG} from {@code <errno.h>}. */
    public static final int EREMCHG = Native.constant("errno.EREMCHG");
    /** {@code ELIBACC} from {@code <errno.h>}. */
    public static final int ELIBACC = Native.constant("errno.ELIBACC");
    /** {@code ELIBBAD} from {@code <errno.h>}. */
    public static final int ELIBBAD = Native.constant("errno.ELIBBAD");
    /** {@code ELIBSCN} from {@code <errno.h>}. */
    public static final int ELIBSCN = Native.constant("errno.ELIBSCN");
    /** {@code ELIBMAX} from {@code <errno.h>}. */
    public static final int ELIBMAX = Native.constant("errno.ELIBMAX");
    /** {@code ELIBEXEC} from {@code <errno.h>}. */
    public static final int ELIBEXEC = Native.constant("errno.ELIBEXEC");
    /** {@code EILSEQ} from {@code <errno.h>}. */
    public static final int EILSEQ = Native.constant("errno.EILSEQ");
    /** {@code ERESTART} from {@code <errno.h>}. */
    public static final int ERESTART = Native.constant("errno.ERESTART");
    /** {@code ESTRPIPE} from {@code <errno.h>}. */
    public static final int ESTRPIPE = Native.constant("errno.ESTRPIPE");
    /** {@code EUSERS} from {@code <errno.h>}. */
    public static final int EUSERS = Native.constant("errno.EUSERS");
    /** {@code ENOTSOCK} from {@code <errno.h>}. */
    public static final int ENOTSOCK = Native.constant("errno.ENOTSOCK");
    /** {@code EDESTADDRREQ} from {@code <errno.h>}. */
    public static final int EDESTADDRREQ = Native.constant("errno.EDESTADDRREQ");
    /** {@code EMSGSIZE} from {@code <errno.h>}. */
    public static final int EMSGSIZE = Native.constant("errno.EMSGSIZE");
    /** {@code EPROTOTYPE} from {@code <errno.h>}. */
    public static final int EPROTOTYPE = Native.constant("errno.EPROTOTYPE");
    /** {@code ENOPROTOOPT} from {@code <errno.h>}. */
    public static final int ENOPROTOOPT = Native.constant("errno.ENOPROTOOPT");
    /** {@code EPROTONOSUPPORT} from {@code <errno.h>}. */
    public static final int EPROTONOSUPPORT = Native.constant("errno.EPROTONOSUPPORT");
    /** {@code ESOCKTNOSUPPORT} from {@code <errno.h>}. */
    public static final int ESOCKTNOSUPPORT = Native.constant("errno.ESOCKTNOSUPPORT");
    /** {@code EOPNOTSUPP} from {@code <errno.h>}. */
    public static final int EOPNOTSUPP = Native.constant("errno.EOPNOTSUPP");
    /** {@code EPFNOSUPPORT} from {@code <errno.h>}. */
    public static final int EPFNOSUPPORT = Native.constant("errno.EPFNOSUPPORT");
    /** {@code EAFNOSUPPORT} from {@code <errno.h>}. */
    public static final int EAFNOSUPPORT = Native.constant("errno.EAFNOSUPPORT");
    /** {@code EADDRINUSE} from {@code <errno.h>}. */
    public static final int EADDRINUSE = Native.constant("errno.EADDRINUSE");
    /** {@code EADDRNOTAVAIL} from {@code <errno.h>}. */
    public static final int EADDRNOTAVAIL = Native.constant("errno.EADDRNOTAVAIL");
    /** {@code ENETDOWN} from {@code <errno.h>}. */
    public static final int ENETDOWN = Native.constant("errno.ENETDOWN");
    /** {@code ENETUNREACH} from {@code <errno.h>}. */
    public static final int ENETUNREACH = Native.constant("errno.ENETUNREACH");
    /** {@code ENETRESET} from {@code <errno.h>}. */
    public static final int ENETRESET = Native.constant("errno.ENETRESET");
    /** {@code ECONNABORTED} from {@code <errno.h>}. */
    public static final int ECONNABORTED = Native.constant("errno.ECONNABORTED");
    /** {@code ECONNRESET} from {@code <errno.h>}. */
    public static final int ECONNRESET = Native.constant("errno.ECONNRESET");
    /** {@code ENOBUFS} from {@code <errno.h>}. */
    public static final int ENOBUFS = Native.constant("errno.ENOBUFS");
    /** {@code EISCONN} from {@code <errno.h>}. */
    public static final int EISCONN = Native.constant("errno.EISCONN");
    /** {@code ENOTCONN} from {@code <errno.h>}. */
    public static final int ENOTCONN = Native.constant("errno.ENOTCONN");
    /** {@code ESHUTDOWN} from {@code <errno.h>}. */
    public static final int ESHUTDOWN = Native.constant("errno.ESHUTDOWN");
    /** {@code ETOOMANYREFS} from {@code <errno.h>}. */
    public static final int ETOOMANYREFS = Native.constant("errno.ETOOMANYREFS");
    /** {@code ETIMEDOUT} from {@code <errno.h>}. */
    public static final int ETIMEDOUT = Native.constant("errno.ETIMEDOUT");
    /** {@code ECONNREFUSED} from {@code <errno.h>}. */
    public static final int ECONNREFUSED = Native.constant("errno.ECONNREFUSED");
    /** {@code EHOSTDOWN} from {@code <errno.h>}. */
    public static final int EHOSTDOWN = Native.constant("errno.EHOSTDOWN");
    /** {@code EHOSTUNREACH} from {@code <errno.h>}. */
    public static final int EHOSTUNREACH = Native.constant("errno.EHOSTUNREACH");
    /** {@code EALREADY} from {@code <errno.h>}. */
    public static final int EALREADY = Native.constant("errno.EALREADY");
    /** {@code EINPROGRESS} from {@code <errno.h>}. */
    public static final int EINPROGRESS = Native.constant("errno.EINPROGRESS");
    /** {@code ESTALE} from {@code <errno.h>}. */
    public static final int ESTALE = Native.constant("errno.ESTALE");
    /** {@code EUCLEAN} from {@code <errno.h>}. */
    public static final int EUCLEAN = Native.constant("errno.EUCLEAN");
    /** {@code ENOTNAM} from {@code <errno.h>}. */
    public static final int ENOTNAM = Native.constant("errno.ENOTNAM");
    /** {@code ENAVAIL} from {@code <errno.h>}. */
    public static final int ENAVAIL = Native.constant("errno.ENAVAIL");
    /** {@code EISNAM} from {@code <errno.h>}. */
    public static final int EISNAM = Native.constant("errno.EISNAM");
    /** {@code EREMOTEIO} from {@code <errno.h>}. */
    public static final int EREMOTEIO = Native.constant("errno.EREMOTEIO");
    /** {@code EDQUOT} from {@code <errno.h>}. */
    public static final int EDQUOT = Native.constant("errno.EDQUOT");
    /** {@code ENOMEDIUM} from {@code <errno.h>}. */
    public static final int ENOMEDIUM = Native.constant("errno.ENOMEDIUM");
    /** {@code EMEDIUMTYPE} from {@code <errno.h>}. */
    public static final int EMEDIUMTYPE = Native.constant("errno.EMEDIUMTYPE");
    /** {@code ECANCELED} from {@code <errno.h>}. */
    public static final int ECANCELED = Native.constant("errno.ECANCELED");
    /** {@code ENOKEY} from {@code <errno.h>}. */
    public static final int ENOKEY = Native.constant("errno.ENOKEY");
    /** {@code EKEYEXPIRED} from {@code <errno.h>}. */
    public static final int EKEYEXPIRED = Native.constant("errno.EKEYEXPIRED");
    /** {@code EKEYREVOKED} from {@code <errno.h>}. */
    public static final int EKEYREVOKED = Native.constant("errno.EKEYREVOKED");
    /** {@code EKEYREJECTED} from {@code <errno.h>}. */
    public static final int EKEYREJECTED = Native.constant("errno.EKEYREJECTED");
    /** {@code EOWNERDEAD} from {@code <errno.h>}. */
    public static final int EOWNERDEAD = Native.constant("errno.EOWNERDEAD");
    /** {@code ENOTRECOVERABLE} from {@code <errno.h>}. */
    public static final int ENOTRECOVERABLE = Native.constant("errno.ENOTRECOVERABLE");
    /** {@code ERFKILL} from {@code <errno.h>}. */
    public static final int ERFKILL = Native.constant("errno.ERFKILL");
    /** {@code EHWPOISON} from {@code <errno.h>}. */
    public static final int EHWPOISON = Native.constant("errno.EHWPOISON");
    /** {@code EWOULDBLOCK} from {@code <errno.h>}. */
    public static final int EWOULDBLOCK = Native.constant("errno.EWOULDBLOCK");
    /** {@code EDEADLOCK} from {@code <errno.h>}. */
    public static final int EDEADLOCK = Native.constant("errno.EDEADLOCK");
    /** {@code ENOTSUP} from {@code <errno.h>}. */
    public static final int ENOTSUP = Native.constant("errno.ENOTSUP");

    private static final Map<Integer, String> NAMES = new HashMap<>();

    static {
        Map<String, Long> all = Native.constantsWithPrefix("errno.");
        // Where two symbols share a value, name it by the one the kernel documents.
        all.forEach((name, value) -> NAMES.putIfAbsent(value.intValue(), name));
        for (String primary : new String[] {"EAGAIN", "EDEADLK", "EOPNOTSUPP"}) {
            NAMES.put(all.get(primary).intValue(), primary);
        }
    }

    private Errno() {}

    /**
     * The symbol for an errno value, e.g. {@code name(11)} is {@code "EAGAIN"}.
     * Unknown values give {@code "errno N"}. Negative values (a jmux return value) are
     * read as their magnitude.
     *
     * @param errno an errno value, or its negation
     * @return the symbol, or {@code "errno N"} for a value {@code <errno.h>} does not name
     */
    public static String name(int errno) {
        int e = Math.abs(errno);
        String name = NAMES.get(e);
        return name != null ? name : "errno " + e;
    }

    /**
     * The C library's text for an errno value ({@code strerror(3)}), e.g.
     * {@code "File exists"} for {@link #EEXIST}. Negative values are read as their
     * magnitude.
     *
     * @param errno an errno value, or its negation
     * @return the C library's text; the symbol ({@link #name(int)}) if the native library
     *     could not be loaded, since {@code strerror} is called through it
     */
    public static String description(int errno) {
        if (!Native.isLoaded()) {
            return name(errno); // strerror lives in the library, which could not be loaded
        }
        return Native.strerror(Math.abs(errno));
    }

    /**
     * True if {@code result} is {@code -EAGAIN} (equal to {@code -EWOULDBLOCK} on
     * Linux): the would-block result that {@link Fd#read}, {@link Fd#write} and
     * {@link Sockets#accept4} return instead of throwing.
     *
     * @param result a jmux return value
     * @return whether it is the would-block result
     */
    public static boolean isWouldBlock(int result) {
        return result == -EAGAIN || result == -EWOULDBLOCK;
    }

    /**
     * True if {@code result} is {@code -EINPROGRESS}, from a non-blocking
     * {@link Sockets#connect}: the connection is under way.
     *
     * @param result a jmux return value
     * @return whether it is {@code -EINPROGRESS}
     */
    public static boolean isInProgress(int result) {
        return result == -EINPROGRESS;
    }
}
