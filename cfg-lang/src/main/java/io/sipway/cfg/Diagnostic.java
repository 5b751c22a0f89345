package io.sipway.cfg;

/** One finding about a script: where, how bad, and what, in the words a person reads. */
public record Diagnostic(Severity severity, SourcePos pos, String message) {
    public enum Severity {
        ERROR, WARNING;

        String label() {
            return this == ERROR ? "error" : "warning";
        }
    }

    /** {@code file:line:col: error: message}, the compiler convention editors understand. */
    @Override
    public String toString() {
        return pos + ": " + severity.label() + ": " + message;
    }
}
