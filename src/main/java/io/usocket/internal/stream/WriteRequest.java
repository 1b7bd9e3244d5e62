package io.usocket.internal.stream;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * One queued write: its bytes, how many of them left, its fds and how many of those left, and
 * the callbacks to run once all of it is in the kernel. Fds left once never leave again.
 */
public final class WriteRequest implements Writable.Chunk {
    private static final int[] NO_FDS = new int[0];

    public final byte[] data;
    public int offset;
    public int[] fds;
    public int fdsSent;
    /** The fds were not checked with fcntl: the first sendmsg is the check (EBADF: refused). */
    public boolean fdsUnchecked;
    private Consumer<Throwable> callback;
    /** Callbacks of fd-only writes whose fds this write carries. */
    private List<Consumer<Throwable>> carried;
    /** {@link #complete} as the Writable's chunk callback; null when there is nothing to call. */
    private Consumer<Throwable> completion;

    public WriteRequest(byte[] data, int[] fds, Consumer<Throwable> callback) {
        this.data = data;
        this.fds = fds == null ? NO_FDS : fds;
        this.callback = callback;
        if (callback != null) completion = this::complete;
    }

    @Override
    public long length() {
        return data.length;
    }

    @Override
    public Consumer<Throwable> callback() {
        return completion;
    }

    public boolean hasBytes() {
        return data.length > 0;
    }

    /** Fds written with no bytes: they wait for the next write's bytes (decisions D10). */
    public boolean fdOnly() {
        return data.length == 0 && fds.length > 0;
    }

    public int remaining() {
        return data.length - offset;
    }

    public int fdsLeft() {
        return fds.length - fdsSent;
    }

    /** Takes over waiting fd-only writes: their fds go first, their callbacks run with this one's. */
    public void absorb(List<WriteRequest> waiting) {
        int total = fds.length;
        for (WriteRequest w : waiting) total += w.fds.length;
        int[] all = new int[total];
        int at = 0;
        carried = new ArrayList<>(waiting.size());
        for (WriteRequest w : waiting) {
            System.arraycopy(w.fds, 0, all, at, w.fds.length);
            at += w.fds.length;
            if (w.callback != null) carried.add(w.callback);
        }
        System.arraycopy(fds, 0, all, at, fds.length);
        fds = all;
        if (completion == null && !carried.isEmpty()) completion = this::complete;
    }

    /** Runs the callbacks once: null on success, else the error. */
    public void complete(Throwable err) {
        if (carried != null) {
            for (Consumer<Throwable> cb : carried) cb.accept(err);
            carried = null;
        }
        Consumer<Throwable> cb = callback;
        callback = null;
        if (cb != null) cb.accept(err);
    }
}
