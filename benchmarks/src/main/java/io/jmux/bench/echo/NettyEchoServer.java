package io.jmux.bench.echo;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A Netty echo server, the peer of the jmux echo servers: one event-loop thread (as the
 * jmux select/poll/epoll servers have one), accepting and serving every connection, on
 * the native transport named by {@code --transport}: {@code epoll} (the default) or
 * {@code io_uring} (Netty's own ring: readiness is not asked for, reads and writes are
 * submitted as SQEs and their completions reaped). The echo itself is the same on both:
 * what it reads it writes back; each read batch is flushed once.
 *
 * <pre>java -cp benchmarks.jar io.jmux.bench.echo.NettyEchoServer [--transport epoll|io_uring] --port 0 [--quiet]</pre>
 */
public final class NettyEchoServer {
    private NettyEchoServer() {}

    /** One of Netty's native Linux transports: its availability check, its I/O handler and its server channel. */
    enum Transport {
        EPOLL("epoll") {
            @Override
            IoHandlerFactory handler() {
                Epoll.ensureAvailability();
                return EpollIoHandler.newFactory();
            }

            @Override
            Class<? extends ServerChannel> serverChannel() {
                return EpollServerSocketChannel.class;
            }
        },
        IO_URING("io_uring") {
            @Override
            IoHandlerFactory handler() {
                IoUring.ensureAvailability(); // e.g. a kernel before 5.x, or io_uring_disabled
                return IoUringIoHandler.newFactory();
            }

            @Override
            Class<? extends ServerChannel> serverChannel() {
                return IoUringServerSocketChannel.class;
            }
        };

        final String flag;

        Transport(String flag) {
            this.flag = flag;
        }

        /** Checks that the native transport loaded (throwing its cause if not), then its handler factory. */
        abstract IoHandlerFactory handler();

        abstract Class<? extends ServerChannel> serverChannel();

        static Transport named(String flag) {
            for (Transport t : values()) {
                if (t.flag.equals(flag)) {
                    return t;
                }
            }
            throw new IllegalArgumentException("--transport must be epoll or io_uring, got " + flag);
        }
    }

    public static void main(String[] args) throws InterruptedException {
        List<String> rest = new ArrayList<>(Arrays.asList(args));
        Transport transport = Transport.EPOLL;
        int at = rest.indexOf("--transport");
        if (at >= 0 && at + 1 < rest.size()) {
            transport = Transport.named(rest.get(at + 1));
            rest.subList(at, at + 2).clear();
        }
        ServerArgs a = ServerArgs.parse("NettyEchoServer [--transport epoll|io_uring]", rest.toArray(new String[0]));
        EventLoopGroup loop = new MultiThreadIoEventLoopGroup(1, transport.handler());
        try {
            Channel server = new ServerBootstrap()
                    .group(loop)
                    .channel(transport.serverChannel())
                    .option(ChannelOption.SO_BACKLOG, 4096)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new Echo())
                    .bind(new InetSocketAddress("127.0.0.1", a.port)).sync().channel();
            ServerArgs.announce((InetSocketAddress) server.localAddress());
            server.closeFuture().sync();
        } finally {
            loop.shutdownGracefully();
        }
    }

    /** Writes back each buffer read; flushes when the socket has no more to read. */
    @ChannelHandler.Sharable
    static final class Echo extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.write(msg);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close(); // a client reset its connection: nothing to echo any more
        }
    }
}
