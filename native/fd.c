/* File-descriptor syscalls for io.jmux.Fd: pipe2, read, write, close, fcntl,
 * and the fd number behind java.io/java.nio objects. */
#include "jmux.h"
#include "io_jmux_FdSys.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Both fds in one long (read end low, write end high), or -errno. */
JNIEXPORT jlong JNICALL Java_io_jmux_FdSys_pipe20(JNIEnv *env, jclass cls, jint flags) {
    (void) env;
    (void) cls;
    int fds[2];
    if (pipe2(fds, flags) < 0) {
        return -errno;
    }
    return ((jlong) fds[1] << 32) | (jlong) (uint32_t) fds[0];
}

/* Direct buffers: Java checked position + length against the capacity. */
/*
 * A direct buffer made by MemorySegment.asByteBuffer() (JDK 22+) belongs to an
 * Arena; a shared Arena can be closed by any thread, also while the kernel is
 * writing into its memory during a blocking read. The JDK's own channels hold
 * the segment's session acquired across the syscall (Arena.close then fails
 * with IllegalStateException); jmux does the same through the JDK's internal
 * Buffer.session() / MemorySessionImpl.acquire0() / release0(), which JNI may
 * call. On a JDK without them (17), there is nothing to acquire.
 */
static jmethodID session_method, acquire_method, release_method;
/* Buffer.segment: null for a buffer that no MemorySegment backs (allocateDirect,
 * NewDirectByteBuffer), which has no session. Reading the field is a load; the
 * session() call is an upcall into Java (~90 ns on JDK 25), so it is made only for
 * buffers that a segment backs. */
static jfieldID segment_field;
/* java.nio.Buffer.address, the memory of a buffer Java has checked is direct (Fd tests
 * isDirect() first). GetDirectBufferAddress reads the same field after an IsInstanceOf
 * check that costs about as much as the rest of the call's user-space work; it stays the
 * fallback where the field is missing. */
static jfieldID address_field;

/* A member the running JDK may lack: NULL, with the lookup's exception cleared. */
static jmethodID method_or_null(JNIEnv *env, jclass cls, const char *name, const char *sig) {
    jmethodID m = cls == NULL ? NULL : (*env)->GetMethodID(env, cls, name, sig);
    if ((*env)->ExceptionCheck(env)) {
        (*env)->ExceptionClear(env);
    }
    return m;
}

static jfieldID field_or_null(JNIEnv *env, jclass cls, const char *name, const char *sig) {
    jfieldID f = cls == NULL ? NULL : (*env)->GetFieldID(env, cls, name, sig);
    if ((*env)->ExceptionCheck(env)) {
        (*env)->ExceptionClear(env);
    }
    return f;
}

static jclass class_or_null(JNIEnv *env, const char *name) {
    jclass c = (*env)->FindClass(env, name);
    if ((*env)->ExceptionCheck(env)) {
        (*env)->ExceptionClear(env);
    }
    return c;
}

/* Called once from JNI_OnLoad, before any read or write can run: the IDs are written
 * before another thread can read them, so no lazy look-up races on a weakly ordered CPU. */
void jmux_fd_on_load(JNIEnv *env) {
    jclass buffer = class_or_null(env, "java/nio/Buffer");
    jclass impl = class_or_null(env, "jdk/internal/foreign/MemorySessionImpl");
    address_field = field_or_null(env, buffer, "address", "J");
    session_method = method_or_null(env, buffer, "session", "()Ljdk/internal/foreign/MemorySessionImpl;");
    segment_field = field_or_null(env, buffer, "segment", "Ljava/lang/foreign/MemorySegment;");
    acquire_method = method_or_null(env, impl, "acquire0", "()V");
    release_method = method_or_null(env, impl, "release0", "()V");
    if (session_method == NULL || acquire_method == NULL || release_method == NULL) {
        session_method = NULL; /* JDK 17: there is nothing to acquire */
    }
}

/* Acquires the buffer's session into *session (NULL if it has none); nonzero if
 * that failed (the session is closed: an exception is pending, and Java throws it on
 * return). A buffer that no segment backs costs one field load: no upcall, and no
 * ExceptionCheck, on the path every read and write of an allocateDirect buffer takes. */
static int acquire_session(JNIEnv *env, jobject buffer, jobject *session) {
    *session = NULL;
    if (session_method == NULL) {
        return 0;
    }
    if (segment_field != NULL) {
        jobject segment = (*env)->GetObjectField(env, buffer, segment_field);
        if (segment == NULL) {
            return 0;
        }
        (*env)->DeleteLocalRef(env, segment);
    }
    jobject s = (*env)->CallObjectMethod(env, buffer, session_method);
    if ((*env)->ExceptionCheck(env)) {
        return 1;
    }
    if (s == NULL) {
        return 0;
    }
    (*env)->CallVoidMethod(env, s, acquire_method);
    if ((*env)->ExceptionCheck(env)) {
        return 1;
    }
    *session = s;
    return 0;
}

static void release_session(JNIEnv *env, jobject session) {
    if (session != NULL) {
        (*env)->CallVoidMethod(env, session, release_method);
    }
}

static char *direct_address(JNIEnv *env, jobject buffer) {
    if (address_field != NULL) {
        return (char *) (intptr_t) (*env)->GetLongField(env, buffer, address_field);
    }
    return (*env)->GetDirectBufferAddress(env, buffer);
}

/* -1 with an exception pending is never returned to Java as a result: Java
 * throws the exception. */
#define SESSION_FAILED (-EFAULT)

JNIEXPORT jint JNICALL Java_io_jmux_FdSys_readBuffer0(JNIEnv *env, jclass cls, jint fd,
                                                  jobject buffer, jint position, jint length) {
    (void) cls;
    char *base = direct_address(env, buffer);
    if (base == NULL) {
        return -EFAULT;
    }
    jobject session;
    if (acquire_session(env, buffer, &session)) {
        return SESSION_FAILED;
    }
    ssize_t r = read(fd, base + position, (size_t) length);
    jint result = (jint) JMUX_RESULT(r);
    release_session(env, session);
    return result;
}

JNIEXPORT jint JNICALL Java_io_jmux_FdSys_writeBuffer0(JNIEnv *env, jclass cls, jint fd,
                                                   jobject buffer, jint position, jint length) {
    (void) cls;
    char *base = direct_address(env, buffer);
    if (base == NULL) {
        return -EFAULT;
    }
    jobject session;
    if (acquire_session(env, buffer, &session)) {
        return SESSION_FAILED;
    }
    ssize_t r = write(fd, base + position, (size_t) length);
    jint result = (jint) JMUX_RESULT(r);
    release_session(env, session);
    return result;
}

/*
 * Heap arrays go through a C buffer rather than Get/ReleasePrimitiveArrayCritical:
 * a read or write on a blocking fd may sleep for ever, and holding a critical
 * region that long stalls the garbage collector. Java caps length at
 * Fd.HEAP_TRANSFER_MAX, so a short transfer is the same partial result the
 * kernel may give anyway.
 */
#define STACK_BUFFER 8192

JNIEXPORT jint JNICALL Java_io_jmux_FdSys_readArray0(JNIEnv *env, jclass cls, jint fd,
                                                 jbyteArray array, jint offset, jint length) {
    (void) cls;
    char stack[STACK_BUFFER];
    char *buf = length <= STACK_BUFFER ? stack : malloc((size_t) length);
    if (buf == NULL) {
        return -ENOMEM;
    }
    ssize_t r = read(fd, buf, (size_t) length);
    jint result = (jint) JMUX_RESULT(r);
    if (r > 0) {
        (*env)->SetByteArrayRegion(env, array, offset, (jsize) r, (const jbyte *) buf);
    }
    if (buf != stack) {
        free(buf);
    }
    return result;
}

JNIEXPORT jint JNICALL Java_io_jmux_FdSys_writeArray0(JNIEnv *env, jclass cls, jint fd,
                                                  jbyteArray array, jint offset, jint length) {
    (void) cls;
    char stack[STACK_BUFFER];
    char *buf = length <= STACK_BUFFER ? stack : malloc((size_t) length);
    if (buf == NULL) {
        return -ENOMEM;
    }
    (*env)->GetByteArrayRegion(env, array, offset, length, (jbyte *) buf);
    ssize_t r = write(fd, buf, (size_t) length);
    jint result = (jint) JMUX_RESULT(r);
    if (buf != stack) {
        free(buf);
    }
    return result;
}

/* Linux releases the fd even when close() reports EINTR or EIO, so Java never
 * retries a close. */
JNIEXPORT jint JNICALL Java_io_jmux_FdSys_close0(JNIEnv *env, jclass cls, jint fd) {
    (void) env;
    (void) cls;
    int r = close(fd);
    return JMUX_RESULT(r);
}

JNIEXPORT jint JNICALL Java_io_jmux_FdSys_fcntl0(JNIEnv *env, jclass cls, jint fd, jint cmd,
                                              jint arg) {
    (void) env;
    (void) cls;
    int r = fcntl(fd, cmd, arg);
    return JMUX_RESULT(r);
}

/* fcntl(fd, F_SETOWN_EX, &(struct f_owner_ex){type, pid}): the struct is
 * built here, so Java never passes a pointer. */
JNIEXPORT jint JNICALL Java_io_jmux_FdSys_setOwnEx0(JNIEnv *env, jclass cls, jint fd, jint type,
                                                  jint pid) {
    (void) env;
    (void) cls;
    struct f_owner_ex owner = { .type = (enum __pid_type) type, .pid = pid };
    int r = fcntl(fd, F_SETOWN_EX, &owner);
    return JMUX_RESULT(r);
}

/* fcntl(fd, F_GETOWN_EX, &owner): type in the high 32 bits, pid in the low
 * 32, or -errno. type is F_OWNER_TID/PID/PGRP (0..2), so a result is >= 0. */
JNIEXPORT jlong JNICALL Java_io_jmux_FdSys_getOwnEx0(JNIEnv *env, jclass cls, jint fd) {
    (void) env;
    (void) cls;
    struct f_owner_ex owner = { 0 };
    if (fcntl(fd, F_GETOWN_EX, &owner) < 0) {
        return -errno;
    }
    return ((jlong) (uint32_t) owner.type << 32) | (jlong) (uint32_t) owner.pid;
}

/* gettid(2) through syscall(2): glibc only wraps it from 2.30 on. */
JNIEXPORT jint JNICALL Java_io_jmux_FdSys_gettid0(JNIEnv *env, jclass cls) {
    (void) env;
    (void) cls;
    return (jint) syscall(SYS_gettid);
}

/*
 * The fd number inside a java.io.FileDescriptor (private field "fd") or a
 * java.nio SelectableChannel (sun.nio.ch.SelChImpl.getFDVal()). JNI reads
 * them without the module system's access checks, so no --add-opens is
 * needed. Called once per object, off the hot path; returns -1 when the
 * object has no such member.
 */
JNIEXPORT jint JNICALL Java_io_jmux_FdSys_fileDescriptorFd0(JNIEnv *env, jclass cls, jobject fdObj) {
    (void) cls;
    jclass type = (*env)->GetObjectClass(env, fdObj);
    jfieldID field = (*env)->GetFieldID(env, type, "fd", "I");
    if (field == NULL) {
        (*env)->ExceptionClear(env);
        return -1;
    }
    return (*env)->GetIntField(env, fdObj, field);
}

JNIEXPORT jint JNICALL Java_io_jmux_FdSys_channelFd0(JNIEnv *env, jclass cls, jobject channel) {
    (void) cls;
    jclass type = (*env)->GetObjectClass(env, channel);
    jmethodID method = (*env)->GetMethodID(env, type, "getFDVal", "()I");
    if (method == NULL) {
        (*env)->ExceptionClear(env);
        return -1;
    }
    jint fd = (*env)->CallIntMethod(env, channel, method);
    if ((*env)->ExceptionCheck(env)) {
        (*env)->ExceptionClear(env);
        return -1;
    }
    return fd;
}

JNIEXPORT jint JNICALL Java_io_jmux_FdSys_dup0(JNIEnv *env, jclass cls, jint fd) {
    (void) env;
    (void) cls;
    int r = dup(fd);
    return JMUX_RESULT(r);
}

JNIEXPORT jint JNICALL Java_io_jmux_FdSys_dup30(JNIEnv *env, jclass cls, jint oldfd, jint newfd,
                                                jint flags) {
    (void) env;
    (void) cls;
    int r = dup3(oldfd, newfd, flags);
    return JMUX_RESULT(r);
}
