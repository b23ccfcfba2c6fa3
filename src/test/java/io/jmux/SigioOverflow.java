package io.jmux;

/**
 * Runs in a child JVM started with a low {@code ulimit -i} (RLIMIT_SIGPENDING): signal-driven
 * I/O on many socket pairs, each written to several times, directed to this thread with a
 * real-time signal that this thread blocks and reads from a signalfd, until the real-time
 * queue is full and the kernel falls back to SIGIO (fcntl(2), "F_SETSIG"). With
 * {@code block-sigio} SIGIO is blocked and read too; with {@code leave-sigio} it is not,
 * and the process dies of it. Prints what it read.
 */
public final class SigioOverflow {
    private SigioOverflow() {}

    public static void main(String[] args) throws Exception {
        boolean blockSigio = args[0].equals("block-sigio");
        int pairs = Integer.parseInt(args[1]);
        int writes = Integer.parseInt(args[2]);
        int sig = SignalFd.sigrtmin();
        try (SigSet set = new SigSet().add(sig); SignalFdInfos infos = new SignalFdInfos(64); Fds fds = new Fds()) {
            if (blockSigio) {
                set.add(SignalFd.SIGIO);
            }
            SignalFd.pthreadSigmask(SignalFd.SIG_BLOCK, set, null);
            try (SignalFd sfd = SignalFd.create(set, SignalFd.SFD_NONBLOCK | SignalFd.SFD_CLOEXEC)) {
                int tid = Fd.gettid();
                int[][] sp = new int[pairs][];
                for (int i = 0; i < pairs; i++) {
                    sp[i] = fds.socketpair(true);
                    Fd.setOwnEx(sp[i][0], Fd.F_OWNER_TID, tid);
                    Fd.fcntl(sp[i][0], Fd.F_SETSIG, sig);
                    Fd.setFl(sp[i][0], Fd.getFl(sp[i][0]) | Fd.O_ASYNC);
                }
                System.out.println("armed " + pairs + " socket pairs");
                System.out.flush();
                for (int w = 0; w < writes; w++) {
                    for (int[] p : sp) {
                        Fds.write(p[1], "x");
                    }
                }
                int rt = 0;
                int sigio = 0;
                int sigioCode = 0;
                int n;
                while ((n = sfd.read(infos)) > 0) {
                    for (int i = 0; i < n; i++) {
                        if (infos.ssi_signo(i) == sig && infos.ssi_code(i) == SignalFd.POLL_IN) {
                            rt++;
                        } else if (infos.ssi_signo(i) == SignalFd.SIGIO) {
                            sigio++;
                            sigioCode = infos.ssi_code(i);
                        }
                    }
                }
                System.out.println("rt=" + rt + " sigio=" + sigio + " sigio_code=" + sigioCode
                        + " si_kernel=" + SignalFd.SI_KERNEL + " sent=" + pairs * writes);
            }
        }
    }
}
