package io.usocket.internal.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import org.junit.jupiter.api.Test;

/**
 * The raw libc binding is out of reach of other packages (docs/modules.md): it is a
 * package-private class nested in a package-private class, and what other packages get,
 * {@link LibC}, takes no address.
 */
class NativeBindingTest {
    @Test
    void rawBindingIsNestedInAPackagePrivateClass() {
        assertFalse(Modifier.isPublic(Native.class.getModifiers()), "Native is package-private");
        assertFalse(Modifier.isPublic(Native.Calls.class.getModifiers()), "Native.Calls is package-private");
        assertFalse(Modifier.isProtected(Native.Calls.class.getModifiers()), "Native.Calls is package-private");
        for (Method m : Native.Calls.class.getDeclaredMethods()) {
            assertFalse(Modifier.isPublic(m.getModifiers()), m + " is public");
        }
        assertTrue(Native.Calls.class.isInstance(Native.LIBC));
    }

    @Test
    void libcTakesNoAddress() {
        for (Method m : LibC.class.getDeclaredMethods()) {
            if (!Modifier.isPublic(m.getModifiers())) continue;
            for (Class<?> p : m.getParameterTypes()) {
                assertFalse(p == long.class, m + " takes a long (an address?)");
                // paths go through UnixPaths, the one encoder, which NUL-terminates what it makes
                assertFalse(p == byte[].class, m + " takes raw path bytes");
            }
        }
        for (Method m : NativeBuffer.class.getMethods()) {
            assertFalse(m.getReturnType() == long.class && m.getParameterCount() == 0, m + " hands out an address");
        }
    }

    @Test
    void libcChecksBoundsAndCommands() {
        NativeBuffer b = new NativeBuffer(8);
        assertThrows(IndexOutOfBoundsException.class, () -> LibC.INSTANCE.read(0, b, 9));
        assertThrows(IndexOutOfBoundsException.class, () -> LibC.INSTANCE.write(1, b, -1));
        assertThrows(IllegalArgumentException.class, () -> LibC.INSTANCE.fcntl(0, 5 /* F_GETLK: takes a pointer */, 0));
        assertEquals(-1, LibC.INSTANCE.close(-1));
        assertEquals(Errno.EBADF, LibC.errno());
    }
}
