package io.usocket;

/**
 * What the loop knows of a socket or server: it is told of readiness, can force it shut, and
 * counts it towards {@link EventLoop#run()}'s exit rule while it is open and ref'd.
 */
abstract class IoHandle {
    private final EventLoop loop;
    private boolean ref = true;

    IoHandle(EventLoop loop) {
        this.loop = loop;
    }

    /** The fd this handle watches became ready; {@code ops} is the epoll event mask. */
    abstract void onIo(int ops);

    /** {@link EventLoop#close()}: release every descriptor now, emitting nothing. */
    abstract void forceClose();

    /** Whether this handle keeps the loop alive while open (Node's {@code hasRef()}). Loop thread. */
    final boolean hasRef() {
        return ref;
    }

    /** Node's {@code ref()} / {@code unref()} of the owner; safe from any thread. */
    final void setRef(boolean r) {
        loop.onLoop(() -> {
            if (ref == r) return;
            ref = r;
            loop.handleRefChanged(this);
        });
    }
}
