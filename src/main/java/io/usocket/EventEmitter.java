package io.usocket;

import java.lang.System.Logger.Level;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Named events with synchronous listeners, as Node's {@code EventEmitter} (node-semantics N1–N8).
 * {@code UServer} and {@code USocket} extend it; users may too.
 *
 * <p>A listener is a {@link Runnable}, which ignores the emitted arguments, or a
 * {@link Consumer}, which receives the first argument (null when there is none). Listeners may
 * be added and removed from any thread; {@link #emit} is meant to run on one thread at a time
 * (the event loop) and takes no lock.
 *
 * <p>Events can also be named by typed keys ({@link Event}: {@code USocket.DATA},
 * {@code UServer.CONNECTION}, ...), which let the compiler check the listener's payload type;
 * and awaited as futures with {@link #once(EventEmitter, String)} (decisions D50, D52).
 *
 * <p>Node equivalent: {@code const { EventEmitter } = require('events')}.
 */
public class EventEmitter {
    /** Node's {@code EventEmitter.defaultMaxListeners}: the limit before a leak warning. */
    public static final int DEFAULT_MAX_LISTENERS = 10;

    private static final String NEW_LISTENER = "newListener";
    private static final String REMOVE_LISTENER = "removeListener";
    private static final String ERROR = "error";

    /**
     * The leak warning's logger, made on first use: {@code System.getLogger} starts the JDK's
     * logging backend (about 50 classes, tens of ms of a cold start, native T23), which nothing
     * else needs.
     */
    private static final class Log {
        static final System.Logger LOG = System.getLogger(EventEmitter.class.getName());
    }

    private static final Object[] NO_EVENTS = new Object[0];

    // {name0, listeners0, name1, listeners1, ...} in the order events got their first listener
    // (Node's key order for eventNames()). As in Node's _events, an event with one listener holds
    // that listener itself, one with several an Object[] of them, and a once-listener is held in
    // its Once wrapper: an idle socket with one 'data' listener holds neither a wrapper nor a
    // one-slot array (decisions D90). Neither the table nor a listener array is mutated once
    // published, so emit iterates a snapshot without copying (N5) and without a lock; an emitter
    // has a handful of events, so a scan is as fast as hashing and far smaller per socket.
    // Mutations happen under lock(), which also guards the leak check's `warned` and a Once's `fired`.
    private volatile Object[] table = NO_EVENTS;
    /** Made by setMaxListeners or the first leak warning; null: the default limit, no warning yet. */
    private volatile LeakCheck leakCheck;

    /**
     * The locks emitters share, picked by identity hash (decisions D90): table changes are rare
     * and short and call nothing out under the lock (so two emitters sharing one cannot
     * deadlock), while a lock object per emitter would be 16 bytes of every idle socket.
     */
    private static final Object[] LOCKS = new Object[64];

    static {
        for (int i = 0; i < LOCKS.length; i++) LOCKS[i] = new Object();
    }

    /** Node equivalent: {@code new EventEmitter()}. */
    public EventEmitter() {
    }

    private Object lock() {
        return LOCKS[System.identityHashCode(this) & (LOCKS.length - 1)];
    }

    /**
     * Node equivalent: {@code emitter.on(eventName, listener)}; returns this emitter.
     *
     * @param event the event's name
     * @param listener the listener
     * @return this emitter
     */
    public EventEmitter on(String event, Runnable listener) {
        return add(event, listener, false, false);
    }

    /**
     * Node equivalent: {@code emitter.on(eventName, listener)}; returns this emitter.
     *
     * @param <T> the type of the event's argument
     * @param event the event's name
     * @param listener the listener, given the event's argument
     * @return this emitter
     */
    public <T> EventEmitter on(String event, Consumer<T> listener) {
        return add(event, listener, false, false);
    }

    /**
     * Node equivalent: {@code emitter.once(eventName, listener)}: removed before its one run.
     *
     * @param event the event's name
     * @param listener the listener
     * @return this emitter
     */
    public EventEmitter once(String event, Runnable listener) {
        return add(event, listener, false, true);
    }

    /**
     * Node equivalent: {@code emitter.once(eventName, listener)}: removed before its one run.
     *
     * @param <T> the type of the event's argument
     * @param event the event's name
     * @param listener the listener, given the event's argument
     * @return this emitter
     */
    public <T> EventEmitter once(String event, Consumer<T> listener) {
        return add(event, listener, false, true);
    }

    /**
     * Node equivalent: {@code emitter.prependListener(eventName, listener)}.
     *
     * @param event the event's name
     * @param listener the listener
     * @return this emitter
     */
    public EventEmitter prependListener(String event, Runnable listener) {
        return add(event, listener, true, false);
    }

    /**
     * Node equivalent: {@code emitter.prependListener(eventName, listener)}.
     *
     * @param <T> the type of the event's argument
     * @param event the event's name
     * @param listener the listener, given the event's argument
     * @return this emitter
     */
    public <T> EventEmitter prependListener(String event, Consumer<T> listener) {
        return add(event, listener, true, false);
    }

    /**
     * Node equivalent: {@code emitter.prependOnceListener(eventName, listener)}.
     *
     * @param event the event's name
     * @param listener the listener
     * @return this emitter
     */
    public EventEmitter prependOnceListener(String event, Runnable listener) {
        return add(event, listener, true, true);
    }

    /**
     * Node equivalent: {@code emitter.prependOnceListener(eventName, listener)}.
     *
     * @param <T> the type of the event's argument
     * @param event the event's name
     * @param listener the listener, given the event's argument
     * @return this emitter
     */
    public <T> EventEmitter prependOnceListener(String event, Consumer<T> listener) {
        return add(event, listener, true, true);
    }

    /**
     * Node equivalent: {@code emitter.off(eventName, listener)}; removes the latest copy only.
     *
     * @param event the event's name
     * @param listener the listener
     * @return this emitter
     */
    public EventEmitter off(String event, Runnable listener) {
        return remove(event, listener);
    }

    /**
     * Node equivalent: {@code emitter.off(eventName, listener)}; removes the latest copy only.
     *
     * @param <T> the type of the event's argument
     * @param event the event's name
     * @param listener the listener, given the event's argument
     * @return this emitter
     */
    public <T> EventEmitter off(String event, Consumer<T> listener) {
        return remove(event, listener);
    }

    /**
     * Node equivalent: {@code emitter.removeListener(eventName, listener)}.
     *
     * @param event the event's name
     * @param listener the listener
     * @return this emitter
     */
    public EventEmitter removeListener(String event, Runnable listener) {
        return remove(event, listener);
    }

    /**
     * Node equivalent: {@code emitter.removeListener(eventName, listener)}.
     *
     * @param <T> the type of the event's argument
     * @param event the event's name
     * @param listener the listener, given the event's argument
     * @return this emitter
     */
    public <T> EventEmitter removeListener(String event, Consumer<T> listener) {
        return remove(event, listener);
    }

    /**
     * Node equivalent: {@code emitter.removeAllListeners(eventName)}. The latest-added listener
     * goes first, each announced by {@code 'removeListener'} when someone listens to it.
     *
     * @param event the event's name
     * @return this emitter
     */
    public EventEmitter removeAllListeners(String event) {
        Object slot = lookup(event);
        if (slot != null) {
            Object[] list = asArray(slot);
            for (int i = list.length - 1; i >= 0; i--) {
                announceRemoved(event, detach(event, null, list[i]));
            }
        }
        return this;
    }

    /**
     * Node equivalent: {@code emitter.removeAllListeners()}: every event, the
     * {@code 'removeListener'} listeners last so that they hear about all the others.
     *
     * @return this emitter
     */
    public EventEmitter removeAllListeners() {
        if (lookup(REMOVE_LISTENER) != null) {
            for (String name : eventNames()) {
                if (!REMOVE_LISTENER.equals(name)) removeAllListeners(name);
            }
            removeAllListeners(REMOVE_LISTENER);
        }
        // Node then starts from an empty table, so listeners added meanwhile by a handler go too.
        synchronized (lock()) {
            table = NO_EVENTS;
            LeakCheck check = leakCheck;
            if (check != null) check.warned = null;
        }
        listenersRemoved(null);
        return this;
    }

    /**
     * Node equivalent: {@code emitter.emit(eventName, ...args)}. Runs the listeners present when
     * called, in order, on this thread; a listener's exception stops the emit and propagates.
     * An {@code 'error'} with no listener is thrown: a {@link RuntimeException} or {@link Error}
     * argument itself, anything else wrapped in a {@link USocketException} with code
     * {@code ERR_UNHANDLED_ERROR}. With no argument or one, Java calls the overloads
     * {@link #emit(String)} and {@link #emit(String, Object)}, which do the same without an
     * argument array.
     *
     * @return whether the event had listeners
     * @param event the event's name
     * @param args the listeners' argument (none, or one; any further ones are not passed on)
     */
    public boolean emit(String event, Object... args) {
        return emit(event, args != null && args.length > 0 ? args[0] : null);
    }

    /**
     * As {@link #emit(String, Object...)} with no argument: Node's {@code emitter.emit(eventName)}
     * (the listeners get null, as a Node listener's parameter would be {@code undefined}).
     *
     * @return whether the event had listeners
     * @param event the event's name
     */
    public boolean emit(String event) {
        return emit(event, (Object) null);
    }

    /**
     * As {@link #emit(String, Object...)} with one argument: Node's
     * {@code emitter.emit(eventName, arg)}. (Its own overload, so an emit makes no argument
     * array: every chunk of a socket is emitted once.)
     *
     * @return whether the event had listeners
     * @param event the event's name
     * @param arg the listeners' argument
     */
    public boolean emit(String event, Object arg) {
        Object slot = lookup(event);
        if (slot == null) {
            if (ERROR.equals(event)) throw unhandled(arg);
            return false;
        }
        if (slot instanceof Object[] list) {
            for (Object listener : list) call(event, listener, arg);
        } else {
            call(event, slot, arg);
        }
        return true;
    }

    /** Runs one listener of an emit; a once-listener is removed first, and only runs once. */
    @SuppressWarnings("unchecked")
    private void call(String event, Object listener, Object first) {
        Object fn = listener;
        if (listener instanceof Once once) {
            Object removed;
            synchronized (lock()) {
                // A nested emit may already have run this once-listener from an older snapshot.
                if (once.fired) return;
                once.fired = true;
                removed = detach(event, null, once);
            }
            announceRemoved(event, removed);
            fn = once.listener;
        }
        if (fn instanceof Runnable r) r.run();
        else ((Consumer<Object>) fn).accept(first);
    }

    /**
     * Node equivalent: {@code emitter.listenerCount(eventName)}.
     *
     * @param event the event's name
     * @return how many listeners {@code event} has
     */
    public int listenerCount(String event) {
        Object slot = lookup(event);
        if (slot == null) return 0;
        return slot instanceof Object[] list ? list.length : 1;
    }

    /**
     * Node equivalent: {@code emitter.listeners(eventName)}: a copy, once-listeners as given.
     *
     * @param event the event's name
     * @return a copy of the listeners of {@code event}, in the order they run
     */
    public List<Object> listeners(String event) {
        Object slot = lookup(event);
        if (slot == null) return List.of();
        Object[] list = asArray(slot);
        Object[] fns = new Object[list.length];
        for (int i = 0; i < list.length; i++) fns[i] = unwrap(list[i]);
        return List.of(fns);
    }

    /**
     * Node equivalent: {@code emitter.eventNames()}: events with listeners, oldest first.
     *
     * @return the names of the events that have listeners
     */
    public List<String> eventNames() {
        Object[] t = table;
        String[] names = new String[t.length / 2];
        for (int i = 0; i < names.length; i++) names[i] = (String) t[2 * i];
        return List.of(names);
    }

    /**
     * Node equivalent: {@code emitter.setMaxListeners(n)}; 0 means unlimited.
     *
     * @throws InvalidArgumentException {@code ERR_OUT_OF_RANGE} when {@code n} is negative
     * @param n the limit; 0 for none
     * @return this emitter
     */
    public EventEmitter setMaxListeners(int n) {
        if (n < 0) {
            throw new InvalidArgumentException("ERR_OUT_OF_RANGE",
                    "The value of \"setMaxListeners\" is out of range. It must be >= 0. Received "
                    + n);
        }
        synchronized (lock()) {
            leakCheck().maxListeners = n;
        }
        return this;
    }

    /**
     * Node equivalent: {@code emitter.getMaxListeners()}; 10 unless set.
     *
     * @return the number of listeners per event above which adding one warns (0: no limit)
     */
    public int getMaxListeners() {
        return maxListeners();
    }

    /**
     * Called once an event has more listeners than {@link #getMaxListeners()}, at most once per
     * event until its listeners drop back to one (Node's {@code MaxListenersExceededWarning}).
     * Logs a warning; subclasses may observe or redirect it.
     *
     * @param count the number of listeners the event now has
     * @param event the event's name
     */
    protected void onMaxListenersExceeded(String event, int count) {
        String name = displayName(getClass());
        Log.LOG.log(Level.WARNING, leakWarning(name, event, count, getMaxListeners()));
    }

    static String leakWarning(String emitterName, String event, int count, int max) {
        return "Possible EventEmitter memory leak detected. " + count + " " + event
                + " listeners added to [" + emitterName + "]. MaxListeners is " + max
                + ". Use emitter.setMaxListeners() to increase limit";
    }

    private static String displayName(Class<?> c) {
        // Anonymous subclasses have no simple name; Node would show the named class above them.
        while (c.getSimpleName().isEmpty()) c = c.getSuperclass();
        return c.getSimpleName();
    }

    private EventEmitter add(String event, Object fn, boolean prepend, boolean once) {
        checkListener(fn);
        if (event == null) {
            throw new InvalidArgumentException("ERR_INVALID_ARG_TYPE",
                    "The \"eventName\" argument must be of type string. Received null");
        }
        // Node announces before adding, so a 'newListener' handler does not see the new one.
        if (lookup(NEW_LISTENER) != null) emit(NEW_LISTENER, event, fn);
        Object listener = once ? new Once(fn) : fn;
        int warnCount = 0;
        synchronized (lock()) {
            Object old = lookup(event);
            int count;
            if (old == null) {
                put(event, listener);
                count = 1;
            } else {
                Object[] oldList = asArray(old);
                Object[] list = new Object[oldList.length + 1];
                System.arraycopy(oldList, 0, list, prepend ? 1 : 0, oldList.length);
                list[prepend ? 0 : oldList.length] = listener;
                put(event, list);
                count = list.length;
            }
            int max = maxListeners();
            if (max > 0 && count > max) {
                LeakCheck check = leakCheck();
                if (check.warned == null) check.warned = new HashSet<>();
                if (check.warned.add(event)) warnCount = count;
            }
        }
        if (warnCount > 0) onMaxListenersExceeded(event, warnCount);
        listenerAdded(event);
        return this;
    }

    /**
     * Called after a listener for {@code event} was added; streams override it to switch modes
     * when {@code 'data'} or {@code 'readable'} gets a listener, as Node's {@code Readable.on} does.
     *
     * @param event the event's name
     */
    protected void listenerAdded(String event) {
    }

    /**
     * Called after listeners for {@code event} (null: of every event) were removed.
     *
     * @param event the event's name
     */
    protected void listenersRemoved(String event) {
    }

    private EventEmitter remove(String event, Object fn) {
        checkListener(fn);
        announceRemoved(event, detach(event, fn, null));
        return this;
    }

    /**
     * Removes {@code exact} (a listener as the table holds it), or else the latest listener that
     * is or wraps {@code fn}; returns what was removed, as the table held it.
     */
    private Object detach(String event, Object fn, Object exact) {
        synchronized (lock()) {
            Object slot = lookup(event);
            if (slot == null) return null;
            Object[] list = asArray(slot);
            for (int i = list.length - 1; i >= 0; i--) {
                Object e = list[i];
                if (exact != null ? e != exact : unwrap(e) != fn) continue;
                if (list.length == 1) {
                    put(event, null);
                } else if (list.length == 2) {
                    // Back to one listener held alone, as Node's removeListener does.
                    put(event, list[1 - i]);
                } else {
                    Object[] rest = new Object[list.length - 1];
                    System.arraycopy(list, 0, rest, 0, i);
                    System.arraycopy(list, i + 1, rest, i, rest.length - i);
                    put(event, rest);
                }
                // Node keeps its "warned" mark on the array, which it drops at one listener.
                LeakCheck check = leakCheck;
                if (list.length <= 2 && check != null && check.warned != null) check.warned.remove(event);
                return e;
            }
            return null;
        }
    }

    private void announceRemoved(String event, Object removed) {
        if (removed == null) return;
        if (lookup(REMOVE_LISTENER) != null) emit(REMOVE_LISTENER, event, unwrap(removed));
        listenersRemoved(event);
    }

    /** {@code event}'s listeners as the table holds them: one listener, an Object[] of several, or null. */
    private Object lookup(String event) {
        if (event == null) return null;
        Object[] t = table;
        for (int i = 0; i < t.length; i += 2) {
            Object name = t[i];
            if (name == event || name.equals(event)) return t[i + 1];
        }
        return null;
    }

    /** A table slot's listeners as an array (a copy for a lone listener: for the rare paths only). */
    private static Object[] asArray(Object slot) {
        return slot instanceof Object[] list ? list : new Object[] {slot};
    }

    /** The user's listener of a table entry (Node's {@code listener.listener ?? listener}). */
    private static Object unwrap(Object listener) {
        return listener instanceof Once once ? once.listener : listener;
    }

    /** Publishes a new table with {@code event}'s listeners replaced, appended, or (null) removed. Under lock. */
    private void put(String event, Object listeners) {
        Object[] t = table;
        for (int i = 0; i < t.length; i += 2) {
            if (!t[i].equals(event)) continue;
            Object[] next;
            if (listeners != null) {
                next = t.clone();
                next[i + 1] = listeners;
            } else {
                next = new Object[t.length - 2];
                System.arraycopy(t, 0, next, 0, i);
                System.arraycopy(t, i + 2, next, i, t.length - i - 2);
            }
            table = next;
            return;
        }
        if (listeners == null) return;
        Object[] next = java.util.Arrays.copyOf(t, t.length + 2);
        next[t.length] = event;
        next[t.length + 1] = listeners;
        table = next;
    }

    private static void checkListener(Object fn) {
        if (fn == null) {
            throw new InvalidArgumentException("ERR_INVALID_ARG_TYPE",
                    "The \"listener\" argument must be of type function. Received null");
        }
    }

    private static RuntimeException unhandled(Object er) {
        if (er instanceof RuntimeException re) return re;
        if (er instanceof Error err) throw err;
        String shown = er == null ? "undefined" : er instanceof String s ? quote(s) : show(er);
        return new USocketException("ERR_UNHANDLED_ERROR", "Unhandled error. (" + shown + ")",
                er instanceof Throwable t ? t : null);
    }

    /** Node's {@code util.inspect} fallback: a value whose toString() throws is shown as {@code [object Object]}. */
    private static String show(Object er) {
        try {
            return er.toString();
        } catch (RuntimeException e) {
            return "[object Object]";
        }
    }

    /** Picks the quotes Node's {@code util.inspect} would, so messages match Node's. */
    private static String quote(String s) {
        if (s.indexOf('\'') < 0) return "'" + s + "'";
        if (s.indexOf('"') < 0) return "\"" + s + "\"";
        if (s.indexOf('`') < 0 && !s.contains("${")) return "`" + s + "`";
        return "'" + s.replace("'", "\\'") + "'";
    }

    // ---- typed event keys and futures (decisions D50, D52): a self-contained addition ----

    /**
     * Node equivalent: {@code emitter.on(eventName, listener)} with a typed key, so the
     * listener's parameter type is checked by the compiler ({@code s -> s.write("hi")} compiles).
     *
     * @param <T> the payload type
     * @param event the event's key
     * @param listener the listener, given the event's payload
     * @return this emitter
     * @throws InvalidArgumentException {@code ERR_INVALID_ARG_VALUE} for a key of another emitter kind
     */
    public <T> EventEmitter on(Event<T> event, Consumer<T> listener) {
        event.checkEmitter(this);
        return on(event.name(), (Consumer<Object>) typed(event, listener));
    }

    /**
     * Node equivalent: {@code emitter.on(eventName, () => ...)}: a listener that ignores the payload.
     *
     * @param event the event's key
     * @param listener the listener
     * @return this emitter
     */
    public EventEmitter on(Event<?> event, Runnable listener) {
        event.checkEmitter(this);
        return on(event.name(), listener);
    }

    /**
     * Node equivalent: {@code emitter.once(eventName, listener)} with a typed key.
     *
     * @param <T> the payload type
     * @param event the event's key
     * @param listener the listener, given the event's payload
     * @return this emitter
     */
    public <T> EventEmitter once(Event<T> event, Consumer<T> listener) {
        event.checkEmitter(this);
        return once(event.name(), (Consumer<Object>) typed(event, listener));
    }

    /**
     * Node equivalent: {@code emitter.once(eventName, () => ...)}.
     *
     * @param event the event's key
     * @param listener the listener
     * @return this emitter
     */
    public EventEmitter once(Event<?> event, Runnable listener) {
        event.checkEmitter(this);
        return once(event.name(), listener);
    }

    /**
     * Node equivalent: {@code emitter.off(eventName, listener)}: removes the latest copy of the same {@code listener} object.
     *
     * @param <T> the payload type
     * @param event the event's key
     * @param listener the listener to remove
     * @return this emitter
     */
    public <T> EventEmitter off(Event<T> event, Consumer<T> listener) {
        return off(event.name(), (Consumer<Object>) typed(event.registered(this, listener)));
    }

    /**
     * Node equivalent: {@code emitter.off(eventName, listener)}.
     *
     * @param event the event's key
     * @param listener the listener to remove
     * @return this emitter
     */
    public EventEmitter off(Event<?> event, Runnable listener) {
        return off(event.name(), listener);
    }

    /**
     * Node equivalent: {@code emitter.emit(eventName, arg)}, for your own typed events.
     *
     * @param <T> the payload type
     * @param event the event's key
     * @param arg the listeners' argument
     * @return whether the event had listeners
     */
    public <T> boolean emit(Event<T> event, T arg) {
        return emit(event.name(), (Object) arg);
    }

    /**
     * Node equivalent: {@code emitter.listenerCount(eventName)}.
     *
     * @param event the event's key
     * @return how many listeners {@code event} has
     */
    public int listenerCount(Event<?> event) {
        return listenerCount(event.name());
    }

    /**
     * Node equivalent: {@code events.once(emitter, name)}: a future completed with the event's
     * first argument the next time it is emitted, or completed exceptionally by an
     * {@code 'error'} emitted first (unless {@code name} is {@code 'error'}). See
     * {@link Promises#once(EventEmitter, String)}.
     *
     * @param <T> the type of the event's first argument
     * @param emitter the emitter to listen to
     * @param name the event's name
     * @return the future
     */
    public static <T> java.util.concurrent.CompletableFuture<T> once(EventEmitter emitter, String name) {
        return Promises.once(emitter, name);
    }

    /**
     * Node equivalent: {@code events.once(emitter, name)} with a typed key. See {@link Promises#once(EventEmitter, Event)}.
     *
     * @param <T> the payload type
     * @param emitter the emitter to listen to
     * @param event the event's key
     * @return the future
     */
    public static <T> java.util.concurrent.CompletableFuture<T> once(EventEmitter emitter, Event<T> event) {
        return Promises.once(emitter, event);
    }

    @SuppressWarnings("unchecked")
    private static <T> Consumer<Object> typed(Event<T> event, Consumer<T> listener) {
        return (Consumer<Object>) event.wrap(listener);
    }

    @SuppressWarnings("unchecked")
    private static Consumer<Object> typed(Object registered) {
        return (Consumer<Object>) registered;
    }

    /** The limit as set (not an override of getMaxListeners: nothing is called out under the lock). */
    private int maxListeners() {
        LeakCheck check = leakCheck;
        return check == null ? DEFAULT_MAX_LISTENERS : check.maxListeners;
    }

    /** The emitter's leak check, made now if it was not yet. Under lock. */
    private LeakCheck leakCheck() {
        LeakCheck check = leakCheck;
        if (check == null) leakCheck = check = new LeakCheck();
        return check;
    }

    /**
     * The leak warning's state: Node's {@code _maxListeners} and the {@code warned} marks it
     * keeps on listener arrays. Few emitters change the limit or ever warn, so it is made on
     * first use rather than held by every idle socket as two fields (decisions D92).
     */
    private static final class LeakCheck {
        volatile int maxListeners = DEFAULT_MAX_LISTENERS;
        Set<String> warned;   // events that had their leak warning; guarded by the emitter's lock
    }

    /** A once-listener as the table holds it: Node's onceWrapper state ({@code listener}, {@code fired}). */
    private static final class Once {
        final Object listener;
        boolean fired;   // guarded by the emitter's lock

        Once(Object listener) {
            this.listener = listener;
        }
    }
}
