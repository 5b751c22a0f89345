package io.sipway.proxy.module.mqueue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sipway.proxy.ScriptProbe;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * mqueue as a script uses it: three queues (bounded; keep the first value of a key; keep the last),
 * filled, measured and drained in one request_route. The expected reason phrase is Kamailio 5.6.3's
 * for the same script and request (a function in an expression counts as 1 when it returns more
 * than 0, as in Kamailio: "size=1").
 */
@Timeout(30)
class MqueueTest {
    @TempDir
    Path work;

    @Test
    void queuesAreFilledAndDrainedAsKamailiosAre() throws Exception {
        try (ScriptProbe probe = ScriptProbe.start(work, SCRIPT)) {
            String first = probe.reason("");
            assertThat(first).isEqualTo("111 size=1 b=2 c=3 after=/ rc=-2 q2size=1 k=x j=z q3size=1 k=y j=z nosuch=0");
            assertThat(probe.reason("")).isEqualTo(first); // every queue was drained: the same again
        }
    }

    @Test
    void aQueueKeptInADatabaseIsRefused() {
        assertThatThrownBy(() -> ScriptProbe.start(work, "loadmodule \"mqueue.so\"\nmodparam(\"mqueue\", \"mqueue\", \"name=q;dbmode=1\")\n"
                + "request_route {\n\tdrop;\n}\n")).hasMessageContaining("dbmode 1: Sipway keeps the queues in memory only");
    }

    private static final String SCRIPT = "loadmodule \"pv.so\"\n"
            + "loadmodule \"sl.so\"\n"
            + "loadmodule \"mqueue.so\"\n"
            + "modparam(\"mqueue\", \"mqueue\", \"name=q1;size=2\")\n"
            + "modparam(\"mqueue\", \"mqueue\", \"name=q2;addmode=1\")\n"
            + "modparam(\"mqueue\", \"mqueue\", \"name=q3;addmode=2;size=2\")\n"
            + "request_route {\n"
            + "\t$var(r) = \"\";\n"
            + "\tmq_add(\"q1\", \"a\", \"1\"); $var(r) = $var(r) + $rc;\n"
            + "\tmq_add(\"q1\", \"b\", \"2\"); $var(r) = $var(r) + $rc;\n"
            + "\tmq_add(\"q1\", \"c\", \"3\"); $var(r) = $var(r) + $rc;\n"
            + "\t$var(r) = $var(r) + \" size=\" + mq_size(\"q1\");\n"
            + "\twhile (mq_fetch(\"q1\")) { $var(r) = $var(r) + \" \" + $mqk(q1) + \"=\" + $mqv(q1); }\n"
            + "\t$var(r) = $var(r) + \" after=\" + $mqk(q1) + \"/\" + $mqv(q1) + \" rc=\" + $rc;\n"
            + "\tmq_add(\"q2\", \"k\", \"x\"); mq_add(\"q2\", \"k\", \"y\"); mq_add(\"q2\", \"j\", \"z\");\n"
            + "\t$var(r) = $var(r) + \" q2size=\" + mq_size(\"q2\");\n"
            + "\twhile (mq_fetch(\"q2\")) { $var(r) = $var(r) + \" \" + $mqk(q2) + \"=\" + $mqv(q2); }\n"
            + "\tmq_add(\"q3\", \"k\", \"x\"); mq_add(\"q3\", \"k\", \"y\"); mq_add(\"q3\", \"j\", \"z\");\n"
            + "\t$var(r) = $var(r) + \" q3size=\" + mq_size(\"q3\");\n"
            + "\twhile (mq_fetch(\"q3\")) { $var(r) = $var(r) + \" \" + $mqk(q3) + \"=\" + $mqv(q3); }\n"
            + "\t$var(r) = $var(r) + \" nosuch=\" + mq_size(\"nope\");\n"
            + "\tsl_send_reply(\"200\", \"$var(r)\");\n"
            + "\texit;\n"
            + "}\n";
}
