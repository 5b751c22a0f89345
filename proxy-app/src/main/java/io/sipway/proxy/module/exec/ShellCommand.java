package io.sipway.proxy.module.exec;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One command as popen(3) runs it: {@code /bin/sh -c command}, its standard error the proxy's, its
 * standard input the message (exec_msg) or nothing. The calling thread (a worker) waits for it; a
 * daemon timer kills it, and what it started, after {@code time_to_kill}.
 */
final class ShellCommand {
    private static final Logger LOG = LoggerFactory.getLogger("exec");
    /** Output read at most; a command printing more is killed (Sipway's bound, see ExecModule). */
    static final int MAX_OUTPUT = 64 * 1024;
    /** fgets into Kamailio's MAX_URI_SIZE buffer: a line is read 1023 bytes at a time. */
    static final int LINE = 1023;
    private static final ScheduledExecutorService KILLER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "sipway-exec-timeout");
        t.setDaemon(true);
        return t;
    });

    /** The lines read (trimmed, none empty) and whether the command exited with status 0. */
    record Result(List<String> lines, boolean ok) {
        static final Result FAILED = new Result(List.of(), false);
    }

    private ShellCommand() {
    }

    /**
     * @param env      variables added to the proxy's environment, or null
     * @param stdin    what the command reads, or null (nothing)
     * @param lines    whether its output is read as lines (false: the pipe closed unread, or the proxy's own
     *                 standard output when it is given {@code stdin})
     * @param killAfterMs 0 for no limit
     */
    static Result run(String command, Map<String, String> env, byte[] stdin, boolean lines, long killAfterMs) {
        ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", command);
        if (env != null) {
            pb.environment().putAll(env);
        }
        pb.redirectError(ProcessBuilder.Redirect.INHERIT);
        if (stdin == null) {
            pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        } else if (!lines) {
            pb.redirectOutput(ProcessBuilder.Redirect.INHERIT); // exec_msg: popen(cmd, "w")
        }
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            LOG.error("cannot open pipe: {}", command);
            return Result.FAILED;
        }
        AtomicBoolean killed = new AtomicBoolean();
        ScheduledFuture<?> timer = killAfterMs > 0
                ? KILLER.schedule(() -> kill(p, killed, "ran longer than time_to_kill: " + command), killAfterMs, TimeUnit.MILLISECONDS)
                : null;
        try {
            boolean written = true;
            if (stdin != null) {
                try (OutputStream in = p.getOutputStream()) {
                    in.write(stdin);
                } catch (IOException e) {
                    LOG.error("failed to write to pipe");
                    written = false;
                }
            }
            byte[] out;
            if (stdin != null && !lines) {
                out = new byte[0]; // exec_msg: its output is the proxy's
            } else if (!lines) {
                // exec_cmd: Kamailio's pclose() closes the pipe at once, unread; a command that then writes
                // to it dies of SIGPIPE (-1), as "echo hi" does under Kamailio 5.6.3
                closeQuietly(p.getInputStream());
                out = new byte[0];
            } else {
                out = read(p, killed, command);
            }
            int status = p.waitFor();
            boolean ok = written && !killed.get() && status == 0;
            if (status != 0 && !killed.get() && status > 128) {
                LOG.error("cmd {} failed. exit_status={}", command, status);
            }
            return new Result(lines ? lines(out) : List.of(), ok);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill(p, killed, "interrupted: " + command);
            return Result.FAILED;
        } finally {
            if (timer != null) {
                timer.cancel(false);
            }
        }
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException e) {
            // nothing to read anyway
        }
    }

    private static void kill(Process p, AtomicBoolean killed, String why) {
        if (p.isAlive() && killed.compareAndSet(false, true)) {
            LOG.error("killing the command: {}", why);
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }

    /** Its standard output up to MAX_OUTPUT; a command that prints more is killed. */
    private static byte[] read(Process p, AtomicBoolean killed, String command) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        try (InputStream s = p.getInputStream()) {
            for (int n = s.read(buf); n >= 0; n = s.read(buf)) {
                if (out.size() + n > MAX_OUTPUT) {
                    kill(p, killed, "more than " + MAX_OUTPUT + " bytes of output: " + command);
                    break;
                }
                out.write(buf, 0, n);
            }
        } catch (IOException e) {
            LOG.error("in pipe: {}", e.getMessage());
        }
        return out.toByteArray();
    }

    /** The output as fgets reads it: chunks of a line ending or 1023 bytes, right-trimmed, empty ones skipped. */
    static List<String> lines(byte[] out) {
        List<String> lines = new ArrayList<>();
        int i = 0;
        while (i < out.length) {
            int end = i;
            while (end < out.length && end - i < LINE && out[end] != '\n') {
                end++;
            }
            int next = end < out.length && out[end] == '\n' && end - i < LINE ? end + 1 : end;
            int e = end;
            while (e > i && (out[e - 1] == '\r' || out[e - 1] == '\n' || out[e - 1] == '\t' || out[e - 1] == ' ')) {
                e--;
            }
            if (e > i) {
                lines.add(new String(out, i, e - i, StandardCharsets.UTF_8));
            }
            i = next;
        }
        return lines;
    }
}
