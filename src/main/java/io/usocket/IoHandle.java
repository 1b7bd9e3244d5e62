package io.usocket;

/**
 * What the loop knows of a socket or server: libuv's {@code uv_handle_t}. It is told of
 * readiness, can be forced shut, and counts towards {@link EventLoop#run()}'s exit rule while it
 * is <em>active</em> and referenced (libuv's {@code uv__handle_start}/{@code uv__handle_stop}
 * and {@code uv_ref}/{@code uv_unref}): a stream is active while it reads or waits to write,
 * connect or shut down; a server while it listens (node-semantics: a node process exits when no
 * active referenced handle is left).
 *
 * <p>Thread rule (decisions D20): every method but {@link #setRef} runs on the loop's owner thread.
 */
abstract class IoHandle {
    private final EventLoop loop;
    private boolean ref = true;
    private boolean active;
    private boolean requests;
    /** The fd epoll watches for this handle, or -1 (libuv's io_watcher; loop thread). */
    int fd = -1;
    /** Events wanted (libuv's pevents) and events epoll has (libuv's events). */
    int pevents;
    int events;
    /** In the loop's watcher queue. */
    boolean queued;

    IoHandle(EventLoop loop) {
        this.loop = loop;
    }

    /** The fd this handle watches became ready; {@code ops} is the epoll event mask. */
    abstract void onIo(int ops);

    /** {@link EventLoop#close()}: release every descriptor now, emitting nothing. */
    abstract void forceClose();

    /** epoll refused to watch the fd (errno). */
    void onWatchError(int errno) {
    }

    /** Whether this handle keeps the loop alive while active (Node's {@code hasRef()}). Loop thread. */
    final boolean hasRef() {
        return ref;
    }

    /** libuv's {@code uv__handle_start} (true) / {@code uv__handle_stop} (false). Loop thread. */
    final void setActive(boolean a) {
        if (active == a) return;
        active = a;
        if (ref) loop.handleCountChanged(a ? 1 : -1);
    }


    /**
     * The handle has a request pending (connect, write, shutdown). libuv's uv__has_active_reqs
     * keeps the loop alive for requests whatever the handle's ref: an unref'd socket still
     * finishes its pending write before {@code run()} returns (node-semantics N43). Loop thread.
     */
    final void setRequests(boolean r) {
        if (requests == r) return;
        requests = r;
        loop.requestCountChanged(r ? 1 : -1);
    }

    /** Node's {@code ref()} / {@code unref()} of the owner; safe from any thread. */
    final void setRef(boolean r) {
        loop.onLoop(() -> {
            if (ref == r) return;
            ref = r;
            if (active) loop.handleCountChanged(r ? 1 : -1);
        });
    }
}
