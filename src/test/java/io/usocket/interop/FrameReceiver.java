package io.usocket.interop;

import io.usocket.ContentFiles;
import io.usocket.Fds;
import io.usocket.Message;
import io.usocket.USocket;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The Java receiver of the frame protocol: builds the same report as the peers' receivers, reading
 * every received fd's file through the fd ({@link Fds#toInputStream}). All of it runs on the loop
 * thread; read {@link #report} after the loop has ended.
 */
final class FrameReceiver {
    enum Mode {
        /** {@code 'readable'} + {@code read(8)} for a header, then {@code read(len, nfds)} (decisions D7). */
        READ_SIZE_COUNT,
        /** Flowing {@code 'data'} + an {@code 'fds'} listener that owns the fds (decisions D8), own FIFO. */
        FDS_EVENT
    }

    final List<String> report = new ArrayList<>();
    private final USocket socket;
    private final InteropScenario scenario;
    private int index;
    // READ_SIZE_COUNT: the header read, waiting for its payload and fds (-1: none)
    private int pendingLen = -1;
    private int pendingFds;
    // FDS_EVENT: bytes not yet parsed, and the fds in arrival order
    private byte[] buf = new byte[1 << 16];
    private int start;
    private int end;
    private final ArrayDeque<Integer> fifo = new ArrayDeque<>();

    FrameReceiver(USocket socket, InteropScenario scenario, Mode mode) {
        this.socket = socket;
        this.scenario = scenario;
        if (mode == Mode.READ_SIZE_COUNT) {
            socket.on("readable", this::drainReads);
        } else {
            socket.on("fds", (int[] fds) -> Arrays.stream(fds).forEach(fifo::add));
            socket.on("data", (byte[] d) -> onData(d));
        }
        socket.on("end", this::onEnd);
    }

    private void drainReads() {
        while (true) {
            if (pendingLen < 0) {
                byte[] h = socket.read(8);
                if (h == null) return;
                if (h.length < 8) {
                    report.add("trailing " + h.length + " bytes");
                    return;
                }
                pendingLen = ByteBuffer.wrap(h).getInt(0);
                pendingFds = ByteBuffer.wrap(h).getInt(4);
            }
            Message m = socket.read(pendingLen, pendingFds);
            if (m == null) return;
            byte[] data = m.data() == null ? new byte[0] : m.data();
            int wanted = pendingFds;
            pendingLen = -1;
            deliver(data, wanted, m.fds());
        }
    }

    private void onData(byte[] d) {
        if (buf.length - end < d.length) {
            System.arraycopy(buf, start, buf, 0, end - start);
            end -= start;
            start = 0;
            if (buf.length - end < d.length) buf = Arrays.copyOf(buf, Math.max(buf.length * 2, end + d.length));
        }
        System.arraycopy(d, 0, buf, end, d.length);
        end += d.length;
        while (end - start >= 8) {
            ByteBuffer h = ByteBuffer.wrap(buf, start, 8);
            int n = h.getInt();
            int k = h.getInt();
            if (end - start < 8 + n) return;
            byte[] data = Arrays.copyOfRange(buf, start + 8, start + 8 + n);
            start += 8 + n;
            int[] fds = new int[Math.min(k, fifo.size())];
            for (int j = 0; j < fds.length; j++) fds[j] = fifo.poll();
            deliver(data, k, fds);
        }
    }

    private void deliver(byte[] data, int wanted, int[] fds) {
        report.add(InteropScenario.msgLine(index, data, wanted));
        if (fds.length != wanted) report.add("missing fds: got " + fds.length + ", " + wanted + " wanted");
        for (int j = 0; j < fds.length; j++) report.add(InteropScenario.fdLine(index, j, ContentFiles.drainAndClose(fds[j])));
        if (index < scenario.msgs.size() && scenario.msgs.get(index).sync()) {
            socket.write("A".getBytes(StandardCharsets.US_ASCII));
        }
        index++;
    }

    private void onEnd() {
        if (pendingLen >= 0) report.add("incomplete frame " + index + ": " + pendingLen + " bytes, " + pendingFds + " fds wanted");
        if (end > start) report.add("trailing " + (end - start) + " bytes");
        // fds left in the socket's queue are the library's to close at destroy (decisions D14)
        int unclaimed = fifo.size() + socket.queuedFds();
        if (unclaimed > 0) report.add("unclaimed " + unclaimed + " fds");
        while (!fifo.isEmpty()) Fds.close(fifo.poll());
        report.add("eof");
    }
}
