/* poll(2) for io.jmux.Poll over a Java-owned struct pollfd[]. */
#include "jmux.h"
#include "io_jmux_PollSys.h"

#include <poll.h>

JNIEXPORT jint JNICALL Java_io_jmux_PollSys_poll0(JNIEnv *env, jclass cls, jlong fds,
                                               jint nfds, jint timeoutMillis) {
    (void) env;
    (void) cls;
    int r = poll(jmux_ptr(fds), (nfds_t) nfds, timeoutMillis);
    return JMUX_RESULT(r);
}
