/* Socket syscalls for io.jmux.Sockets: socket, socketpair, setsockopt,
 * getsockopt, bind, listen, accept4, connect, getsockname, getpeername,
 * shutdown. IPv4 and IPv6 addresses arrive as raw bytes (4 or 16), which
 * Java has checked. */
#include "jmux.h"
#include "io_jmux_SocketSys.h"

#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

JNIEXPORT jint JNICALL Java_io_jmux_SocketSys_socket0(JNIEnv *env, jclass cls, jint domain,
                                                    jint type, jint protocol) {
    (void) env;
    (void) cls;
    int r = socket(domain, type, protocol);
    return JMUX_RESULT(r);
}

/* Both fds in one long (first low, second high), or -errno. */
JNIEXPORT jlong JNICALL Java_io_jmux_SocketSys_socketpair0(JNIEnv *env, jclass cls, jint domain,
                                                         jint type, jint protocol) {
    (void) env;
    (void) cls;
    int sv[2];
    if (socketpair(domain, type, protocol, sv) < 0) {
        return -errno;
    }
    return ((jlong) sv[1] << 32) | (jlong) (uint32_t) sv[0];
}

JNIEXPORT jint JNICALL Java_io_jmux_SocketSys_setsockopt0(JNIEnv *env, jclass cls, jint fd,
                                                        jint level, jint name, jint value) {
    (void) env;
    (void) cls;
    int v = value;
    int r = setsockopt(fd, level, name, &v, sizeof v);
    return JMUX_RESULT(r);
}

JNIEXPORT jint JNICALL Java_io_jmux_SocketSys_getsockopt0(JNIEnv *env, jclass cls, jint fd,
                                                        jint level, jint name,
                                                        jintArray valueOut) {
    (void) cls;
    int v = 0;
    socklen_t len = sizeof v;
    int r = getsockopt(fd, level, name, &v, &len);
    if (r == 0) {
        jint out = v;
        (*env)->SetIntArrayRegion(env, valueOut, 0, 1, &out);
    }
    return JMUX_RESULT(r);
}

/* Fills *ss from (address bytes, port, scope id); returns its length. */
static socklen_t to_sockaddr(JNIEnv *env, jbyteArray address, jint port, jint scopeId,
                             struct sockaddr_storage *ss) {
    memset(ss, 0, sizeof *ss);
    jsize n = (*env)->GetArrayLength(env, address);
    if (n == 4) {
        struct sockaddr_in *sin = (struct sockaddr_in *) ss;
        sin->sin_family = AF_INET;
        sin->sin_port = htons((uint16_t) port);
        (*env)->GetByteArrayRegion(env, address, 0, 4, (jbyte *) &sin->sin_addr);
        return sizeof *sin;
    }
    struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *) ss;
    sin6->sin6_family = AF_INET6;
    sin6->sin6_port = htons((uint16_t) port);
    sin6->sin6_scope_id = (uint32_t) scopeId;
    (*env)->GetByteArrayRegion(env, address, 0, 16, (jbyte *) &sin6->sin6_addr);
    return sizeof *sin6;
}

JNIEXPORT jint JNICALL Java_io_jmux_SocketSys_bind0(JNIEnv *env, jclass cls, jint fd,
                                                  jbyteArray address, jint port, jint scopeId) {
    (void) cls;
    struct sockaddr_storage ss;
    socklen_t len = to_sockaddr(env, address, port, scopeId, &ss);
    int r = bind(fd, (struct sockaddr *) &ss, len);
    return JMUX_RESULT(r);
}

JNIEXPORT jint JNICALL Java_io_jmux_SocketSys_connect0(JNIEnv *env, jclass cls, jint fd,
                                                     jbyteArray address, jint port,
                                                     jint scopeId) {
    (void) cls;
    struct sockaddr_storage ss;
    socklen_t len = to_sockaddr(env, address, port, scopeId, &ss);
    int r = connect(fd, (struct sockaddr *) &ss, len);
    return JMUX_RESULT(r);
}

JNIEXPORT jint JNICALL Java_io_jmux_SocketSys_listen0(JNIEnv *env, jclass cls, jint fd,
                                                    jint backlog) {
    (void) env;
    (void) cls;
    int r = listen(fd, backlog);
    return JMUX_RESULT(r);
}

JNIEXPORT jint JNICALL Java_io_jmux_SocketSys_accept40(JNIEnv *env, jclass cls, jint fd,
                                                     jint flags) {
    (void) env;
    (void) cls;
    int r = accept4(fd, NULL, NULL, flags);
    return JMUX_RESULT(r);
}

JNIEXPORT jint JNICALL Java_io_jmux_SocketSys_shutdown0(JNIEnv *env, jclass cls, jint fd,
                                                      jint how) {
    (void) env;
    (void) cls;
    int r = shutdown(fd, how);
    return JMUX_RESULT(r);
}

/* Copies an AF_INET/AF_INET6 address out as 16 address bytes plus
 * {port, scope id}; returns the family, or -errno. */
static jint from_sockaddr(JNIEnv *env, const struct sockaddr_storage *ss,
                          jbyteArray addressOut, jintArray portScopeOut) {
    jint portScope[2] = { 0, 0 };
    if (ss->ss_family == AF_INET) {
        const struct sockaddr_in *sin = (const struct sockaddr_in *) ss;
        (*env)->SetByteArrayRegion(env, addressOut, 0, 4, (const jbyte *) &sin->sin_addr);
        portScope[0] = ntohs(sin->sin_port);
    } else if (ss->ss_family == AF_INET6) {
        const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *) ss;
        (*env)->SetByteArrayRegion(env, addressOut, 0, 16, (const jbyte *) &sin6->sin6_addr);
        portScope[0] = ntohs(sin6->sin6_port);
        portScope[1] = (jint) sin6->sin6_scope_id;
    }
    (*env)->SetIntArrayRegion(env, portScopeOut, 0, 2, portScope);
    return ss->ss_family;
}

JNIEXPORT jint JNICALL Java_io_jmux_SocketSys_getsockname0(JNIEnv *env, jclass cls, jint fd,
                                                         jbyteArray addressOut,
                                                         jintArray portScopeOut) {
    (void) cls;
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    memset(&ss, 0, sizeof ss);
    if (getsockname(fd, (struct sockaddr *) &ss, &len) < 0) {
        return -errno;
    }
    return from_sockaddr(env, &ss, addressOut, portScopeOut);
}

JNIEXPORT jint JNICALL Java_io_jmux_SocketSys_getpeername0(JNIEnv *env, jclass cls, jint fd,
                                                         jbyteArray addressOut,
                                                         jintArray portScopeOut) {
    (void) cls;
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    memset(&ss, 0, sizeof ss);
    if (getpeername(fd, (struct sockaddr *) &ss, &len) < 0) {
        return -errno;
    }
    return from_sockaddr(env, &ss, addressOut, portScopeOut);
}
