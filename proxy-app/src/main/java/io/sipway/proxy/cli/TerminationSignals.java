package io.sipway.proxy.cli;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;

/**
 * SIGTERM and SIGINT as Kamailio takes them: a clean stop and exit status 0. The JVM's own
 * handling runs the shutdown hooks and exits 143 (130 for SIGINT), which a service manager reports
 * as a failure; so these two signals get a handler of their own ({@code sun.misc.Signal}, in the
 * jdk.unsupported module every JDK has, reached reflectively so the build stays free of warnings
 * about internal APIs). Where it cannot be installed the JVM's handling stays.
 */
final class TerminationSignals {
    private TerminationSignals() {
    }

    /** Runs {@code onSignal} (on a signal thread) when SIGTERM or SIGINT arrives; false when it could not be arranged. */
    static boolean handle(Runnable onSignal) {
        try {
            Class<?> signal = Class.forName("sun.misc.Signal");
            Class<?> handler = Class.forName("sun.misc.SignalHandler");
            InvocationHandler call = (Object proxy, Method m, Object[] args) -> {
                if (m.getName().equals("handle")) {
                    onSignal.run();
                    return null;
                }
                return switch (m.getName()) {
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> "sipway termination handler";
                };
            };
            Object h = Proxy.newProxyInstance(TerminationSignals.class.getClassLoader(), new Class<?>[] {handler}, call);
            Method install = signal.getMethod("handle", signal, handler);
            for (String name : new String[] {"TERM", "INT"}) {
                install.invoke(null, signal.getConstructor(String.class).newInstance(name), h);
            }
            return true;
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return false;
        }
    }
}
