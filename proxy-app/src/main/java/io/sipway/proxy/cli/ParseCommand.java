package io.sipway.proxy.cli;

import io.sipway.sip.CSeq;
import io.sipway.sip.SipMessage;
import io.sipway.sip.SipParseException;
import io.sipway.sip.SipParser;
import io.sipway.sip.Via;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code sipway parse FILE...}: each file is one SIP message (as one datagram would carry it),
 * parsed and validated in full; one JSON line per file. Exit status 1 when any file failed.
 */
@Command(
        name = "parse",
        mixinStandardHelpOptions = true,
        description = {
            "Parse each FILE as one SIP message and print one JSON line per file:",
            "  {\"file\":..,\"ok\":true,\"type\":\"request\"|\"response\",\"method\":..,\"status\":..,\"ruri\":..,",
            "   \"via_branch\":..,\"call_id\":..,\"cseq\":..,\"from_tag\":..,\"to_tag\":..,\"content_length\":..}",
            "or {\"file\":..,\"ok\":false,\"error\":..,\"offset\":N} (N: byte offset of the fault).",
            "Exit status: 0 all parsed, 1 any failed."
        })
final class ParseCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--crlf", description = "Turn bare LF line ends into CRLF first (for hand-written files); offsets then count the converted bytes.")
    boolean crlf;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "Files, one SIP message each.")
    List<Path> files;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        boolean allOk = true;
        for (Path file : files) {
            String line;
            try {
                byte[] bytes = Files.readAllBytes(file);
                if (crlf) {
                    bytes = toCrlf(bytes);
                }
                line = success(file, SipParser.parse(bytes).validate());
            } catch (SipParseException e) {
                allOk = false;
                line = failure(file, e.reason(), e.offset());
            } catch (IOException e) {
                allOk = false;
                line = failure(file, "cannot read file: " + e, 0);
            }
            out.println(line);
        }
        out.flush();
        return allOk ? 0 : 1;
    }

    private static String success(Path file, SipMessage m) {
        Via via = m.topVia();
        CSeq cseq = m.cseq();
        Json j = new Json()
                .field("file", file.toString())
                .field("ok", true)
                .field("type", m.isRequest() ? "request" : "response")
                .field("method", m.methodName())
                .field("status", m.isRequest() ? null : (Object) m.statusCode())
                .field("ruri", m.requestUriString())
                .field("via_branch", via == null ? null : via.branch())
                .field("call_id", m.callId())
                .field("cseq", cseq == null ? null : (Object) cseq.number())
                .field("from_tag", m.fromTag())
                .field("to_tag", m.toTag())
                .field("content_length", m.contentLength() < 0 ? null : (Object) m.contentLength());
        return j.toString();
    }

    private static String failure(Path file, String error, int offset) {
        return new Json().field("file", file.toString()).field("ok", false).field("error", error).field("offset", offset).toString();
    }

    /** Every LF not preceded by CR becomes CRLF. */
    static byte[] toCrlf(byte[] in) {
        int extra = 0;
        for (int i = 0; i < in.length; i++) {
            if (in[i] == '\n' && (i == 0 || in[i - 1] != '\r')) {
                extra++;
            }
        }
        if (extra == 0) {
            return in;
        }
        byte[] out = new byte[in.length + extra];
        int p = 0;
        for (int i = 0; i < in.length; i++) {
            if (in[i] == '\n' && (i == 0 || in[i - 1] != '\r')) {
                out[p++] = '\r';
            }
            out[p++] = in[i];
        }
        return out;
    }
}
