package io.usocket;

/** What the loop knows of a socket or server: it is told of readiness and can force it shut. */
interface IoHandle {
    /** The fd this handle watches became ready; {@code ops} is the epoll event mask. */
    void onIo(int ops);

    /** {@link EventLoop#close()}: release every descriptor now, emitting nothing. */
    void forceClose();
}
