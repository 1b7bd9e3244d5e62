package io.usocket;

import java.util.function.Consumer;

/**
 * A typed event key: an event name together with the type of its payload and the kind of
 * emitter that emits it, so that {@code server.on(UServer.CONNECTION, s -> s.write("hi"))}
 * compiles with an implicit lambda and a wrong payload type or a misspelled event does not
 * (decisions D50).
 *
 * <p>The string names keep working; a typed key only adds the compile-time check. Listeners
 * added with a key are ordinary listeners of its {@link #name()}: {@code on(USocket.DATA, l)}
 * followed by {@code off("data", l)} removes {@code l}. The constants live on the emitting class
 * ({@link USocket#DATA}, {@link UServer#CONNECTION}, ...); for your own {@link EventEmitter}
 * subclasses make keys with {@link #of(String, Class)}.
 *
 * <p>Payloads that depend on state are checked when emitted: {@code 'data'} carries
 * {@code byte[]} unless {@link USocket#setEncoding} was called, then {@code String}; so
 * {@link USocket#DATA} is the key of {@code byte[]} chunks and {@link USocket#TEXT} of decoded
 * ones, and a listener of the wrong one fails with {@code ERR_EVENT_PAYLOAD_TYPE} (through the
 * loop's uncaught-exception path) instead of a {@code ClassCastException}.
 *
 * <p>Node equivalent: the event name string ({@code 'data'}); TypeScript's typed
 * {@code on(event: 'data', listener: (chunk: Buffer) => void)} overloads.
 *
 * @param <T> the payload the listeners receive ({@link Void} for events without one)
 */
public final class Event<T> {
    private final String name;
    private final Class<T> type;
    private final Class<? extends EventEmitter> owner;
    private final boolean checked;
    private final String display;

    private Event(String name, Class<T> type, Class<? extends EventEmitter> owner, boolean checked, String display) {
        if (name == null || type == null || owner == null) {
            throw new InvalidArgumentException("ERR_INVALID_ARG_TYPE", "An event needs a name, a payload type and an emitter type. Received null");
        }
        this.name = name;
        this.type = type;
        this.owner = owner;
        this.checked = checked;
        this.display = display;
    }

    /**
     * A key for an event of any {@link EventEmitter}, for your own emitters and events.
     * Node equivalent: the event name string.
     *
     * @param <T> the payload type
     * @param name the event's name
     * @param type the payload type its listeners receive ({@code Void.class} for none)
     * @return the key
     */
    public static <T> Event<T> of(String name, Class<T> type) {
        return new Event<>(name, type, EventEmitter.class, false, "Event(" + name + ")");
    }

    /** A key of the library's emitters; {@code checked}: the payload type is verified at each emit. */
    static <T> Event<T> of(Class<? extends EventEmitter> owner, String constant, String name, Class<T> type, boolean checked) {
        return new Event<>(name, type, owner, checked, owner.getSimpleName() + "." + constant);
    }

    /**
     * The event's name, as the string API knows it ({@code "data"}).
     *
     * @return the event's name
     */
    public String name() {
        return name;
    }

    /**
     * The payload type its listeners receive ({@code Void.class} for none).
     *
     * @return the payload type
     */
    public Class<T> type() {
        return type;
    }

    /**
     * The kind of emitter that emits it; adding a listener on another kind is refused.
     *
     * @return the emitter type
     */
    public Class<? extends EventEmitter> emitterType() {
        return owner;
    }

    /** {@code USocket.DATA}, or {@code Event(name)} for keys made with {@link #of}. */
    @Override
    public String toString() {
        return display;
    }

    // ---- used by EventEmitter's typed methods ----

    /** Refuses a key of another emitter kind: it would never fire (a misspelling, by another route). */
    void checkEmitter(EventEmitter emitter) {
        if (!owner.isInstance(emitter)) {
            throw new InvalidArgumentException("ERR_INVALID_ARG_VALUE", this + " is an event of " + owner.getSimpleName()
                    + ", not of " + emitter.getClass().getSimpleName() + ": it would never be emitted");
        }
    }

    /** What to register for {@code listener}: itself, or for checked keys a wrapper that verifies the payload. */
    Object wrap(Consumer<T> listener) {
        if (listener == null || !checked) return listener;
        return new Checked<>(this, listener);
    }

    /**
     * The registered form of {@code listener} on {@code emitter}, latest first, so that
     * {@code off} removes what {@code on} added (Node's "latest copy" rule): the wrapper made for
     * it by a checked key, or the listener itself.
     */
    Object registered(EventEmitter emitter, Object listener) {
        if (listener == null || !checked) return listener;
        java.util.List<Object> all = emitter.listeners(name);
        for (int i = all.size() - 1; i >= 0; i--) {
            Object fn = all.get(i);
            if (fn == listener || (fn instanceof Checked<?> c && c.event == this && c.target == listener)) return fn;
        }
        return listener;
    }

    /** A listener of a checked key: the payload type is verified before the user's code sees it. */
    private static final class Checked<T> implements Consumer<Object> {
        final Event<T> event;
        final Consumer<T> target;

        Checked(Event<T> event, Consumer<T> target) {
            this.event = event;
            this.target = target;
        }

        @Override
        public void accept(Object payload) {
            if (payload != null && !event.type.isInstance(payload)) {
                throw new InvalidStateException("ERR_EVENT_PAYLOAD_TYPE", "A listener of " + event + " expects "
                        + event.type.getSimpleName() + " but '" + event.name + "' carried "
                        + payload.getClass().getSimpleName() + (event.name.equals("data")
                        ? ": 'data' carries byte[] (USocket.DATA) unless setEncoding was called, then String (USocket.TEXT)"
                        : ""));
            }
            target.accept(event.type.cast(payload));
        }

        @Override
        public String toString() {
            return target.toString();
        }
    }
}
