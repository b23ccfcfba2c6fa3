package io.jmux.bench.echo;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Iterator;

/**
 * A JDK NIO echo server, the other peer of the jmux echo servers: one thread, one
 * {@link Selector}, non-blocking channels. Each connection has one buffer: it reads into
 * it, writes it back, and while a write is short waits for OP_WRITE instead of reading
 * more, so an echo never reorders or drops bytes.
 *
 * <pre>java -cp benchmarks.jar io.jmux.bench.echo.NioEchoServer --port 0 [--quiet]</pre>
 */
public final class NioEchoServer {
    private static final int BUFFER = 64 * 1024;

    private NioEchoServer() {}

    public static void main(String[] args) throws IOException {
        ServerArgs a = ServerArgs.parse("NioEchoServer", args);
        try (Selector selector = Selector.open();
             ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress("127.0.0.1", a.port), 4096);
            server.configureBlocking(false);
            server.register(selector, SelectionKey.OP_ACCEPT);
            ServerArgs.announce((InetSocketAddress) server.getLocalAddress());
            while (true) {
                selector.select();
                Iterator<SelectionKey> it = selector.selectedKeys().iterator();
                while (it.hasNext()) {
                    SelectionKey key = it.next();
                    it.remove();
                    handle(key, selector);
                }
            }
        }
    }

    private static void handle(SelectionKey key, Selector selector) {
        try {
            if (key.isAcceptable()) {
                accept((ServerSocketChannel) key.channel(), selector);
            } else if (key.isWritable()) {
                flush(key);
            } else if (key.isReadable()) {
                echo(key);
            }
        } catch (IOException e) {
            close(key); // the client reset or vanished: drop the connection
        }
    }

    private static void accept(ServerSocketChannel server, Selector selector) throws IOException {
        SocketChannel c;
        while ((c = server.accept()) != null) {
            c.configureBlocking(false);
            c.setOption(StandardSocketOptions.TCP_NODELAY, true);
            c.register(selector, SelectionKey.OP_READ, ByteBuffer.allocateDirect(BUFFER));
        }
    }

    private static void echo(SelectionKey key) throws IOException {
        SocketChannel c = (SocketChannel) key.channel();
        ByteBuffer buf = (ByteBuffer) key.attachment();
        int n = c.read(buf);
        if (n < 0) {
            close(key);
            return;
        }
        buf.flip();
        flush(key);
    }

    /** Writes what the buffer holds; waits for OP_WRITE if the socket takes only part. */
    private static void flush(SelectionKey key) throws IOException {
        SocketChannel c = (SocketChannel) key.channel();
        ByteBuffer buf = (ByteBuffer) key.attachment();
        c.write(buf);
        if (buf.hasRemaining()) {
            key.interestOps(SelectionKey.OP_WRITE);
        } else {
            buf.clear();
            key.interestOps(SelectionKey.OP_READ);
        }
    }

    private static void close(SelectionKey key) {
        key.cancel();
        try {
            key.channel().close();
        } catch (IOException ignored) {
            // closing a connection that already failed: nothing more to do
        }
    }
}
