package io.usocket.bench.contenders;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.DomainSocketReadMode;
import io.netty.channel.unix.FileDescriptor;
import io.netty.channel.unix.UnixChannelOption;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The Netty contender: Netty 4.2.18 native epoll domain sockets ({@link EpollServerDomainSocketChannel},
 * {@link EpollDomainSocketChannel}), one event loop thread per role (a
 * {@link MultiThreadIoEventLoopGroup} of 1 thread serving both the listening and the accepted
 * channels), Netty's default pooled/adaptive buffers. fds travel as {@link FileDescriptor} messages
 * (Netty sends each with one data byte) and are received with
 * {@link DomainSocketReadMode#FILE_DESCRIPTORS}.
 *
 * <p>Netty limitation, W2: when the {@code sendmsg} of a {@link FileDescriptor} hits EAGAIN (socket
 * send buffer full), Netty 4.2.18 does not wait for EPOLLOUT but hands the message to the byte
 * path, which throws {@code Unexpected message type: FileDescriptor} and fails every flushed write.
 * A Netty client can therefore only send fds with a bounded number in flight: its W2 runs with
 * W2w's window (at most {@link Main#WINDOW} unacknowledged, the server acks every
 * {@link Main#ACK_EVERY}), so Netty's W2 and W2w figures measure the same thing.
 */
final class NettyContender implements Main.Contender {
    /**
     * W1 writer: keep up to 1 MiB queued in the channel before waiting for writability (Netty's
     * default high water mark, 64 KiB, is a single W1 write). A common tuning for bulk senders.
     */
    private static final WriteBufferWaterMark W1_WATER_MARK = new WriteBufferWaterMark(512 * 1024, 1024 * 1024);

    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private EventLoopGroup group;

    @Override
    public void server(String workload, String path, long n) throws Exception {
        switch (workload) {
            case "W1": serve(path, new StreamServer(n), false, null); break;
            case "W2": serve(path, new FdServer("W2", n), true, null); break;
            case "W2w": serve(path, new FdServer("W2w", n), true, null); break;
            case "W3": serve(path, new EchoServer(), false, null); break;
            case "W4": serve(path, new ConnectServer(n), false, null); break;
            case "W5": idleServer(path, n); break;
            default: Main.notApplicable(workload);
        }
    }

    @Override
    public void client(String workload, String path, long n) throws Exception {
        switch (workload) {
            case "W1": connectOnce(path, new StreamClient(n), W1_WATER_MARK); break;
            case "W2": connectOnce(path, new FdClient(n), null); break;
            case "W2w": connectOnce(path, new FdClient(n), null); break;
            case "W3": connectOnce(path, new PingClient(n), null); break;
            case "W4": connectClient(path, n); break;
            case "W5": idleClient(path, n); break;
            default: Main.notApplicable(workload);
        }
    }

    // ---- plumbing ----

    private void startLoop() {
        Epoll.ensureAvailability();
        group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    }

    private void stopLoop() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /**
     * Listens with one loop thread for the listener and its children; returns once
     * {@link #done} completes (the handler completes it).
     */
    private void serve(String path, ChannelHandler child, boolean fdMode, Runnable afterBind) throws Exception {
        if (group == null) startLoop();
        Files.deleteIfExists(Path.of(path));
        ServerBootstrap b = new ServerBootstrap()
                .group(group)
                .channel(EpollServerDomainSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 4096)
                .childHandler(child);
        if (fdMode) b.childOption(UnixChannelOption.DOMAIN_SOCKET_READ_MODE, DomainSocketReadMode.FILE_DESCRIPTORS);
        Channel server = b.bind(new DomainSocketAddress(path)).sync().channel();
        if (afterBind != null) afterBind.run();
        try {
            done.get();
        } finally {
            server.close().syncUninterruptibly();
            stopLoop();
        }
    }

    private Bootstrap bootstrap(ChannelHandler handler, WriteBufferWaterMark waterMark) {
        Bootstrap b = new Bootstrap().group(group).channel(EpollDomainSocketChannel.class).handler(handler);
        if (waterMark != null) b.option(ChannelOption.WRITE_BUFFER_WATER_MARK, waterMark);
        return b;
    }

    /** Connects, retrying for a few seconds while the server is not listening yet. */
    private static Channel connectRetrying(Bootstrap b, String path) throws Exception {
        DomainSocketAddress addr = new DomainSocketAddress(path);
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (true) {
            ChannelFuture f = b.connect(addr).awaitUninterruptibly();
            if (f.isSuccess()) return f.channel();
            if (System.nanoTime() > deadline || !(f.cause() instanceof IOException)) throw new IOException("connect " + path, f.cause());
            Thread.sleep(1);
        }
    }

    /** One connection: the handler does the workload and closes; returns when it is closed. */
    private void connectOnce(String path, ChannelHandler handler, WriteBufferWaterMark waterMark) throws Exception {
        startLoop();
        try {
            Channel ch = connectRetrying(bootstrap(handler, waterMark), path);
            ch.closeFuture().sync();
            done.get();
        } finally {
            stopLoop();
        }
    }

    private void fail(ChannelHandlerContext ctx, Throwable cause) {
        done.completeExceptionally(cause);
        ctx.close();
    }

    // ---- W1 ----

    @ChannelHandler.Sharable
    private final class StreamServer extends ChannelInboundHandlerAdapter {
        private final Main.Window w;
        private long total;

        StreamServer(long bytes) {
            w = new Main.Window(bytes);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf b = (ByteBuf) msg;
            total += b.readableBytes();
            w.progress(total);
            b.release();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            Main.throughput("W1", w.counted(total), w.elapsed(System.nanoTime()));
            done.complete(null);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            fail(ctx, cause);
        }
    }

    /** Writes 64 KiB slices of one direct buffer while the channel is writable, then closes. */
    @ChannelHandler.Sharable // one channel only; Sharable so that a connect retry may add it again
    private final class StreamClient extends ChannelInboundHandlerAdapter {
        private final ByteBuf chunk;
        private long remaining;

        StreamClient(long bytes) {
            remaining = bytes;
            ByteBuf b = Unpooled.directBuffer(Main.CHUNK);
            while (b.isWritable()) b.writeByte('x');
            chunk = Unpooled.unreleasableBuffer(b);
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            pump(ctx);
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel().isWritable()) pump(ctx);
        }

        private void pump(ChannelHandlerContext ctx) {
            if (remaining == 0) return;
            while (remaining > 0 && ctx.channel().isWritable()) {
                int k = (int) Math.min(Main.CHUNK, remaining);
                remaining -= k;
                ChannelFuture f = ctx.write(k == Main.CHUNK ? chunk.duplicate() : chunk.slice(0, k));
                if (remaining == 0) f.addListener(ChannelFutureListener.CLOSE);
            }
            ctx.flush();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (remaining > 0) done.completeExceptionally(new IOException("closed with " + remaining + " bytes unsent"));
            else done.complete(null);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            fail(ctx, cause);
        }
    }

    // ---- W2 / W2w ----

    /** Receives fds (FILE_DESCRIPTORS read mode), closes each, acks every 64. */
    @ChannelHandler.Sharable
    private final class FdServer extends ChannelInboundHandlerAdapter {
        private final ByteBuf ack = Unpooled.unreleasableBuffer(Unpooled.directBuffer(1).writeByte('a'));
        private long count;
        private long t1;
        private final String workload;
        private final long n;
        private final Main.Window w;

        FdServer(String workload, long n) {
            this.workload = workload;
            this.n = n;
            this.w = new Main.Window(n);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
            FileDescriptor fd = (FileDescriptor) msg;
            fd.close();
            long now = System.nanoTime();
            t1 = now;
            w.progress(++count, now);
            if (count % Main.ACK_EVERY == 0) {
                // At once, as the C contender: the client's window waits for it. Not a void
                // promise: the client may be gone after its last message (EOF read in the same
                // batch), and a failed ack is no error.
                ctx.writeAndFlush(ack.duplicate());
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (count != n) System.err.println("netty " + workload + ": received " + count + " of " + n + " fds");
            Main.messageRate(workload, w.counted(count), w.elapsed(t1));
            done.complete(null);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            fail(ctx, cause);
        }
    }

    /**
     * Sends {@code n} FileDescriptor messages (the same /dev/null fd), at most {@link Main#WINDOW}
     * unacknowledged; then shuts its output down and reads the remaining acks until the server closes.
     */
    @ChannelHandler.Sharable // one channel only; Sharable so that a connect retry may add it again
    private final class FdClient extends ChannelInboundHandlerAdapter {
        private final long n;
        private final FileDescriptor devnull;
        private long sent;
        private long acked;

        FdClient(long n) throws IOException {
            this.n = n;
            Epoll.ensureAvailability(); // FileDescriptor.from is native
            this.devnull = FileDescriptor.from("/dev/null");
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            pump(ctx);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf b = (ByteBuf) msg;
            acked += b.readableBytes();
            b.release();
            pump(ctx);
        }

        private void pump(ChannelHandlerContext ctx) {
            if (sent == n) return;
            while (sent < n && sent - acked * Main.ACK_EVERY < Main.WINDOW) {
                ctx.write(devnull, ctx.voidPromise());
                sent++;
            }
            if (sent == n) {
                ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener((ChannelFutureListener) f -> {
                    if (f.isSuccess()) ((EpollDomainSocketChannel) f.channel()).shutdownOutput();
                });
            } else {
                ctx.flush();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws IOException {
            devnull.close();
            if (sent < n) done.completeExceptionally(new IOException("closed after " + sent + " of " + n));
            else done.complete(null);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            fail(ctx, cause);
        }
    }

    // ---- W3 ----

    @ChannelHandler.Sharable
    private final class EchoServer extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.write(msg);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            done.complete(null);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            fail(ctx, cause);
        }
    }

    @ChannelHandler.Sharable // one channel only; Sharable so that a connect retry may add it again
    private final class PingClient extends ChannelInboundHandlerAdapter {
        private final long n;
        private final ByteBuf ping = Unpooled.unreleasableBuffer(Unpooled.directBuffer(Main.PING).writeZero(Main.PING));
        private final Main.Window w;
        private long rounds;
        private int got;

        PingClient(long n) {
            this.n = n;
            this.w = new Main.Window(n);
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.writeAndFlush(ping.duplicate(), ctx.voidPromise());
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf b = (ByteBuf) msg;
            got += b.readableBytes();
            b.release();
            if (got < Main.PING) return;
            got -= Main.PING;
            w.progress(++rounds);
            if (rounds == n) {
                Main.roundTrip("W3", w.counted(n), w.elapsed(System.nanoTime()));
                ctx.close();
            } else {
                ctx.writeAndFlush(ping.duplicate(), ctx.voidPromise());
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (rounds < n) done.completeExceptionally(new IOException("echo ended after " + rounds + " round trips"));
            else done.complete(null);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            fail(ctx, cause);
        }
    }

    // ---- W4 ----

    @ChannelHandler.Sharable
    private final class ConnectServer extends ChannelInboundHandlerAdapter {
        private final ByteBuf one = Unpooled.unreleasableBuffer(Unpooled.directBuffer(1).writeByte(1));
        private final long n;
        private long accepted;

        ConnectServer(long n) {
            this.n = n;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.writeAndFlush(one.duplicate()).addListener(ChannelFutureListener.CLOSE);
            if (++accepted == n) done.complete(null);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ((ByteBuf) msg).release();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // a client closing first may reset the connection; the count is what matters
            ctx.close();
        }
    }

    /**
     * Connection after connection on the loop: connect, wait for the server's byte, close, and on
     * closed connect the next. The first connection (waiting for the server) is not timed.
     */
    private void connectClient(String path, long n) throws Exception {
        startLoop();
        try {
            ConnectClient handler = new ConnectClient(n);
            Bootstrap b = bootstrap(handler, null);
            handler.bootstrap = b;
            handler.addr = new DomainSocketAddress(path);
            Channel first = connectRetrying(b, path);
            first.closeFuture().sync();
            if (!handler.gotByte) throw new IOException("no byte from the server");
            handler.start();
            done.get();
        } finally {
            stopLoop();
        }
    }

    @ChannelHandler.Sharable
    private final class ConnectClient extends ChannelInboundHandlerAdapter {
        private final long n;
        Bootstrap bootstrap;
        DomainSocketAddress addr;
        boolean gotByte;
        private long bytes;
        private long connections;
        private final Main.Window w;

        ConnectClient(long n) {
            this.n = n;
            this.w = new Main.Window(n);
        }

        /** After the first connection (it waited for the server; the warm-up share, at least 1, keeps it out of the clock). */
        void start() {
            group.execute(() -> {
                connections = 1;
                bytes = 1;
                next();
            });
        }

        private void next() {
            w.progress(connections);
            if (connections == n) {
                long t = w.elapsed(System.nanoTime());
                if (bytes != n) done.completeExceptionally(new IOException("only " + bytes + " of " + n + " connections got the byte"));
                Main.connectRate("W4", w.counted(n), t);
                done.complete(null);
                return;
            }
            bootstrap.connect(addr).addListener((ChannelFutureListener) f -> {
                if (!f.isSuccess()) done.completeExceptionally(f.cause());
                else f.channel().closeFuture().addListener(c -> {
                    connections++;
                    next();
                });
            });
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ((ByteBuf) msg).release();
            gotByte = true;
            bytes++;
            ctx.close();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            fail(ctx, cause);
        }
    }

    // ---- W5 ----

    private void idleServer(String path, long n) throws Exception {
        startLoop();
        Main.Memory mem = Main.Memory.baseline();
        CompletableFuture<Void> all = new CompletableFuture<>();
        ChannelHandler counter = new ChannelInboundHandlerAdapter() {
            private long accepted;

            @Override
            public void channelActive(ChannelHandlerContext ctx) {
                if (++accepted == n) all.complete(null);
            }

            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ((ByteBuf) msg).release();
            }

            @Override
            public boolean isSharable() {
                return true;
            }
        };
        serve(path, counter, false, () -> {
            try {
                all.get();
                mem.report(n);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            done.complete(null);
        });
        // stopLoop() closed every connection: the client sees EOF and exits too
    }

    /** Opens n connections, one after the other, on the loop; waits until the server closes one. */
    private void idleClient(String path, long n) throws Exception {
        startLoop();
        try {
            List<Channel> open = new ArrayList<>();
            ChannelHandler handler = new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    ((ByteBuf) msg).release();
                }

                @Override
                public void channelInactive(ChannelHandlerContext ctx) {
                    done.complete(null);
                }

                @Override
                public boolean isSharable() {
                    return true;
                }
            };
            Bootstrap b = bootstrap(handler, null);
            open.add(connectRetrying(b, path));
            DomainSocketAddress addr = new DomainSocketAddress(path);
            CompletableFuture<Void> connected = new CompletableFuture<>();
            group.execute(new Runnable() {
                @Override
                public void run() {
                    if (open.size() == n) {
                        connected.complete(null);
                        return;
                    }
                    Runnable again = this;
                    b.connect(addr).addListener((ChannelFutureListener) f -> {
                        if (f.isSuccess()) {
                            open.add(f.channel());
                            group.execute(again); // not again.run(): connects complete inline, keep the stack flat
                        } else if (f.cause() instanceof IOException) {
                            // backlog full (EAGAIN): try again shortly
                            group.schedule(again, 1, TimeUnit.MILLISECONDS);
                        } else {
                            connected.completeExceptionally(f.cause());
                        }
                    });
                }
            });
            connected.get();
            done.get();
        } finally {
            stopLoop();
        }
    }
}
