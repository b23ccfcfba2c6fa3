/* timerfd_create(2) for io.jmux.TimerFdSys: create, settime, gettime, and the
 * 8-byte expiration count. Calls on a TimerFd go through its owner (owner.h),
 * so close wakes a blocked reader and no call reaches a reused fd number. */
#include "jmux.h"
#include "owner.h"
#include "io_jmux_TimerFdSys.h"

#include <stdint.h>
#include <sys/timerfd.h>
#include <unistd.h>

JNIEXPORT jint JNICALL Java_io_jmux_TimerFdSys_create0(JNIEnv *env, jclass cls, jint clockid,
                                                     jint flags) {
    (void) env;
    (void) cls;
    int r = timerfd_create(clockid, flags);
    return JMUX_RESULT(r);
}

/* timerfd_settime(fd, flags, &new, old): old is a Java-owned struct
 * itimerspec, or 0 for NULL. Out-of-range fields reach the kernel (EINVAL). */
JNIEXPORT jint JNICALL Java_io_jmux_TimerFdSys_settime0(JNIEnv *env, jclass cls, jlong owner,
                                                       jint gen, jint flags, jlong valueSec,
                                                      jlong valueNsec, jlong intervalSec,
                                                      jlong intervalNsec, jlong old) {
    (void) env;
    (void) cls;
    struct itimerspec value = {
        .it_interval = { .tv_sec = (time_t) intervalSec, .tv_nsec = (long) intervalNsec },
        .it_value = { .tv_sec = (time_t) valueSec, .tv_nsec = (long) valueNsec },
    };
    struct jmux_owner *o = jmux_ptr(owner);
    struct jmux_slot *s = jmux_enter(o, (uint32_t) gen);
    if (s == NULL) {
        return JMUX_ECLOSED;
    }
    int r = timerfd_settime(o->fd, flags, &value, jmux_ptr(old));
    r = JMUX_RESULT(r);
    jmux_leave(s, o, (uint32_t) gen);
    return r;
}

JNIEXPORT jint JNICALL Java_io_jmux_TimerFdSys_gettime0(JNIEnv *env, jclass cls, jlong owner,
                                                       jint gen, jlong curr) {
    (void) env;
    (void) cls;
    struct jmux_owner *o = jmux_ptr(owner);
    struct jmux_slot *s = jmux_enter(o, (uint32_t) gen);
    if (s == NULL) {
        return JMUX_ECLOSED;
    }
    int r = timerfd_gettime(o->fd, jmux_ptr(curr));
    r = JMUX_RESULT(r);
    jmux_leave(s, o, (uint32_t) gen);
    return r;
}

/* read(fd, &count, 8): the expirations since the last read, or -errno. The
 * count is a uint64_t; one expiry per nanosecond would take 292 years to pass
 * INT64_MAX, so it is returned as a jlong with no loss (clamped, to be exact). */
JNIEXPORT jlong JNICALL Java_io_jmux_TimerFdSys_read0(JNIEnv *env, jclass cls, jlong owner,
                                                     jint gen) {
    (void) env;
    (void) cls;
    struct jmux_owner *o = jmux_ptr(owner);
    struct jmux_slot *s = jmux_enter(o, (uint32_t) gen);
    if (s == NULL) {
        return JMUX_ECLOSED;
    }
    uint64_t count = 0;
    ssize_t r = read(o->fd, &count, sizeof count);
    jlong result = r < 0 ? -errno : r != (ssize_t) sizeof count ? -EIO
                 : count > INT64_MAX ? INT64_MAX : (jlong) count;
    jmux_leave(s, o, (uint32_t) gen);
    return result;
}
