package io.jmux.bench.echo;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import java.net.InetSocketAddress;

/**
 * A Netty echo server on the native epoll transport, the peer of the jmux echo servers:
 * one event-loop thread (as the jmux select/poll/epoll servers have one), accepting and
 * serving every connection. What it reads it writes back; each read batch is flushed
 * once.
 *
 * <pre>java -cp benchmarks.jar io.jmux.bench.echo.NettyEchoServer --port 0 [--quiet]</pre>
 */
public final class NettyEchoServer {
    private NettyEchoServer() {}

    public static void main(String[] args) throws InterruptedException {
        ServerArgs a = ServerArgs.parse("NettyEchoServer", args);
        Epoll.ensureAvailability();
        EventLoopGroup loop = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        try {
            Channel server = new ServerBootstrap()
                    .group(loop)
                    .channel(EpollServerSocketChannel.class)
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
