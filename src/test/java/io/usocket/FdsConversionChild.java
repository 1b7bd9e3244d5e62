package io.usocket;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code FdsTest}'s child JVM, run under a low {@code ulimit -n}: fills the fd table but for two
 * free slots (the conversion's pipe takes them), so the JDK's open of the stand-in fails with
 * EMFILE; prints what the conversion threw ({@code error=}) and whether the fd is still open
 * ({@code kept=}).
 */
public final class FdsConversionChild {
    private FdsConversionChild() {
    }

    public static void main(String[] args) throws Exception {
        Path devNull = Path.of("/dev/null");
        // Load what the conversion and its error path need now: with the table full no class file opens.
        Fds.toInputStream(Fds.open(devNull)).close();
        try {
            Fds.close(1 << 20);
        } catch (USocketException expected) {
            expected.code();
        }
        int target = Fds.open(devNull);
        List<Integer> filler = new ArrayList<>();
        try {
            while (true) filler.add(Fds.open(devNull));
        } catch (USocketException full) {
            System.out.println("full=" + full.code());
        }
        Fds.close(filler.remove(filler.size() - 1));
        Fds.close(filler.remove(filler.size() - 1));
        String outcome;
        try {
            Fds.toInputStream(target).close();
            outcome = "converted";
        } catch (USocketException e) {
            outcome = "USocketException code=" + e.code() + " errno=" + e.errno() + " syscall=" + e.syscall()
                    + " address=" + e.address().replaceAll("[0-9]+$", "N") + " suppressed=" + e.getSuppressed().length;
        } catch (RuntimeException e) {
            outcome = e.getClass().getName() + ": " + e.getMessage();
        }
        for (int fd : filler) Fds.close(fd);
        System.out.println("error=" + outcome);
        System.out.println("kept=" + Fds.isOpen(target));
        System.out.flush();
    }
}
