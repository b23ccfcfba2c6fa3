/* The headers every constant of constants.def comes from. */
#ifndef JMUX_CONSTANTS_H
#define JMUX_CONSTANTS_H

#include "owner.h"
#include "signals.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/select.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <linux/io_uring.h>
#include <linux/time_types.h>

#endif
