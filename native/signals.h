/* Signal numbers and answers of jmux's own, shared by signalfd.c, owner.c and
 * the constant table (constants.def), so this header needs nothing but
 * <signal.h>. */
#ifndef JMUX_SIGNALS_H
#define JMUX_SIGNALS_H

#include <signal.h>

/* The JDK's NIO wake-up signal, which owner.c sends to wake threads in a call
 * on an object being closed: reserved, never a choice for F_SETSIG. */
#define JMUX_WAKE_SIGNAL (__SIGRTMAX - 2)

/* signalfd.c's sigaction(2) probe: what is installed for a signal. */
#define JMUX_SIG_DFL 0
#define JMUX_SIG_IGN 1
#define JMUX_SIG_HANDLER 2
#define JMUX_SIG_SIGINFO 3

#endif
