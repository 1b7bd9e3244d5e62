package io.usocket.diff;

import io.usocket.diff.Scenario.Op;
import io.usocket.diff.Scenario.Rule;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Random scenarios from a seed: the same seed always gives the same scenario. Each client
 * connects through a rule (at start, or when the server listens); then 2-7 random rules act on
 * random events. Ops mostly target the object whose event triggered them, as real code does.
 */
final class ScenarioGenerator {
    private static final String[] DEFERS = {"sync", "sync", "sync", "sync", "sync", "tick", "tick", "immediate", "immediate", "immediate2", "timeout0"};
    private static final String[] CLIENT_EVENTS = {"connect", "connect", "ready", "data", "data", "end", "finish", "close", "drain", "error"};
    private static final String[] SERVER_SIDE_EVENTS = {"accepted", "accepted", "accepted", "data", "data", "end", "finish", "close", "drain"};
    private static final String[] SERVER_EVENTS = {"listening", "connection", "connection", "close"};

    private final Random r;
    private final long seed;
    private int payload;

    private ScenarioGenerator(long seed) {
        this.seed = seed;
        this.r = new Random(seed);
    }

    static Scenario generate(long seed) {
        return new ScenarioGenerator(seed).scenario();
    }

    private Scenario scenario() {
        int clients = 1 + r.nextInt(3);
        List<Boolean> halfOpen = new ArrayList<>();
        List<String> targets = new ArrayList<>();
        List<String> noData = new ArrayList<>();
        List<Rule> rules = new ArrayList<>();
        for (int i = 1; i <= clients; i++) {
            halfOpen.add(r.nextInt(4) == 0);
            targets.add(r.nextInt(15) == 0 ? (r.nextBoolean() ? "missing" : "file") : "ok");
            if (r.nextInt(5) == 0) noData.add("c" + i);
            if (r.nextInt(5) == 0) noData.add("s" + i);
            boolean atStart = r.nextInt(10) < 3;
            rules.add(new Rule(atStart ? "main" : "server", atStart ? "start" : "listening", 1,
                    r.nextInt(4) == 0 ? pick(DEFERS) : "sync", List.of(Op.of("c" + i, "connect"))));
            // Some traffic on most connections, so the random rules below have bytes to act on.
            if (r.nextInt(10) < 8) rules.add(new Rule("c" + i, "connect", 1, "sync", List.of(write("c" + i))));
            if (r.nextInt(10) < 6) rules.add(new Rule("s" + i, "accepted", 1, "sync", List.of(write("s" + i))));
            if (r.nextInt(10) < 3) rules.add(new Rule("s" + i, "data", 1, "sync", List.of(write("s" + i))));
        }
        int n = 2 + r.nextInt(6);
        for (int i = 0; i < n; i++) rules.add(rule(clients));
        return new Scenario(seed, clients, halfOpen, targets, r.nextInt(4) == 0,
                r.nextInt(10) == 0 ? 1 : 0, r.nextInt(30) == 0 ? (r.nextBoolean() ? "taken" : "nodir") : "ok", noData, rules);
    }

    private Rule rule(int clients) {
        int kind = r.nextInt(10);
        String obj;
        String event;
        if (kind < 4) {
            obj = "c" + (1 + r.nextInt(clients));
            event = pick(CLIENT_EVENTS);
        } else if (kind < 8) {
            obj = "s" + (1 + r.nextInt(clients));
            event = pick(SERVER_SIDE_EVENTS);
        } else if (kind < 9) {
            obj = "server";
            event = pick(SERVER_EVENTS);
        } else {
            obj = "main";
            event = "start";
        }
        int nth = event.equals("connection") ? 1 + r.nextInt(clients) : (event.equals("data") && r.nextInt(3) == 0 ? 2 : 1);
        int count = 1 + (r.nextInt(3) == 0 ? 1 + r.nextInt(2) : 0);
        List<Op> ops = new ArrayList<>();
        for (int i = 0; i < count; i++) ops.add(op(obj, clients));
        return new Rule(obj, event, nth, pick(DEFERS), ops);
    }

    private Op op(String trigger, int clients) {
        String target;
        if (r.nextInt(30) == 0) return new Op("server", "close", null, r.nextBoolean(), 0, false, false, null, false, 0, 0);
        if ((trigger.startsWith("c") || trigger.startsWith("s") && !trigger.equals("server")) && r.nextInt(10) < 6) {
            target = trigger;
        } else if (trigger.equals("main") || trigger.equals("server")) {
            // No server-side socket exists yet at start or at 'listening'; after 'connection' #k,
            // s1..sk do, but any client may act.
            target = "c" + (1 + r.nextInt(clients));
        } else {
            target = (r.nextBoolean() ? "c" : "s") + (1 + r.nextInt(clients));
        }
        int w = r.nextInt(100);
        if (w < 25) return write(target);
        if (w < 37) return new Op(target, "end", r.nextInt(5) < 2 ? data() : null, r.nextBoolean(), 0, false, false, null, false, 0, 0);
        if (w < 43) return new Op(target, "destroy", null, false, 0, r.nextInt(10) < 3, false, null, false, 0, 0);
        if (w < 49) return Op.of(target, "pause");
        if (w < 55) return Op.of(target, "resume");
        if (w < 59) return Op.of(target, "cork");
        if (w < 63) return Op.of(target, "uncork");
        if (w < 69) return new Op(target, "read", null, false, new int[] {-1, -1, 1, 2, 5}[r.nextInt(5)], false, false, null, false, 0, 0);
        if (w < 72) return Op.of(target, "setEncoding");
        if (w < 75) return Op.of(target, "onData");
        if (w < 78) return Op.of(target, "offData");
        if (w < 82) return new Op(target, "onReadable", null, false, 0, false, r.nextInt(10) < 6, null, false, 0, 0);
        if (w < 84) return Op.of(target, "offReadable");
        if (w < 88) {
            // Only server-side sockets pipe (to themselves: echo, or to another one): clients never
            // pipe, so no cycle can bounce bytes forever.
            String src = "s" + (1 + r.nextInt(clients));
            String dst = r.nextBoolean() ? src : "s" + (1 + r.nextInt(clients));
            return new Op(src, "pipe", null, false, 0, false, false, dst, r.nextBoolean(), 0, 0);
        }
        if (w < 91) return new Op(target, "unshift", data(), false, 0, false, false, null, false, 0, 0);
        if (w < 93) return new Op(target, "setTimeout", null, false, 0, false, false, null, false, r.nextBoolean() ? 1 : 0, 0);
        if (w < 96) return Op.of(target, "state");
        return new Op(target, "writeBig", null, false, 0, false, false, null, false, 0, 200_000 + r.nextInt(300_000));
    }

    private Op write(String target) {
        return new Op(target, "write", data(), r.nextBoolean(), 0, false, false, null, false, 0, 0);
    }

    private String data() {
        int k = payload++;
        // Upper case, so a payload never reads like an object name (c1, s2) in a trace.
        return (char) ('A' + k % 26) + Integer.toString(k);
    }

    private String pick(String[] options) {
        return options[r.nextInt(options.length)];
    }
}
