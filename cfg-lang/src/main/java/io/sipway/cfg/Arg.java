package io.sipway.cfg;

/**
 * One argument of a function call as the function's fixup sees it at load time: a constant (a
 * String or a Long, known now, to be pre-parsed once) or a value computed when the route runs
 * (a pseudo-variable, an expression). {@link #toString()} is how the argument was written, for
 * error messages.
 */
public final class Arg implements ValueSource {
    private final Object constant;
    private final ValueSource dynamic;
    private final String written;
    /** How the script compiles a pseudo-variable written inside this argument; null outside a script. */
    private final java.util.function.Function<String, ValueSource> pvCompiler;
    /** How the script compiles a pseudo-variable to be written (a function's destination); null outside a script. */
    private final java.util.function.Function<String, Pv> pvAssigner;
    /** Where the argument was written; null outside a script. */
    private final SourcePos at;

    private Arg(Object constant, ValueSource dynamic, String written, java.util.function.Function<String, ValueSource> pvCompiler,
                java.util.function.Function<String, Pv> pvAssigner, SourcePos at) {
        this.constant = constant;
        this.dynamic = dynamic;
        this.written = written;
        this.pvCompiler = pvCompiler;
        this.pvAssigner = pvAssigner;
        this.at = at;
    }

    private Arg(Object constant, ValueSource dynamic, String written) {
        this(constant, dynamic, written, null, null, null);
    }

    /** The same argument, able to compile the pseudo-variables written inside it (see {@link #pseudoVariable}). */
    public Arg withPvCompiler(java.util.function.Function<String, ValueSource> compiler) {
        return new Arg(constant, dynamic, written, compiler, pvAssigner, at);
    }

    /** The same argument, able to compile pseudo-variables to read and to write (see {@link #assignablePseudoVariable}). */
    public Arg withPvCompilers(java.util.function.Function<String, ValueSource> compiler, java.util.function.Function<String, Pv> assigner) {
        return new Arg(constant, dynamic, written, compiler, assigner, at);
    }

    /** The same argument, knowing where it was written. */
    public Arg writtenAt(SourcePos pos) {
        return new Arg(constant, dynamic, written, pvCompiler, pvAssigner, pos);
    }

    /** Where the argument was written (xlogl prints the line), or null outside a script. */
    public SourcePos at() {
        return at;
    }

    /**
     * A pseudo-variable written inside this constant string (a format string such as xlog's or
     * sl_send_reply's reason: {@code "$var(n) calls from $(fu{uri.user})"}), compiled as the script
     * compiles one where the argument was written: the language's {@code $var}, {@code $shv} and
     * {@code $rc} included, transformations applied. A bad one is reported at the argument.
     *
     * @param text one pseudo-variable, e.g. {@code $var(x)} or {@code $(avp(y)[1])}
     * @throws IllegalStateException for an argument made outside a script
     */
    public ValueSource pseudoVariable(String text) {
        if (pvCompiler == null) {
            throw new IllegalStateException(written + ": not an argument of a script");
        }
        return pvCompiler.apply(text);
    }

    /**
     * The pseudo-variable this constant names, to be written by the function ({@code jansson_get(key,
     * json, "$var(v)")}), compiled as the left side of an assignment is; null (reported at the
     * argument) when it is not one that can be written.
     *
     * @throws IllegalStateException for an argument made outside a script
     */
    public Pv assignablePseudoVariable(String text) {
        if (pvAssigner == null) {
            throw new IllegalStateException(written + ": not an argument of a script");
        }
        return pvAssigner.apply(text);
    }

    /** Whether {@link #pseudoVariable} can compile (the argument comes from a script). */
    public boolean compilesPseudoVariables() {
        return pvCompiler != null;
    }

    public static Arg constant(Object value, String written) {
        if (!(value instanceof String) && !(value instanceof Long)) {
            throw new IllegalArgumentException("a constant argument is a String or a Long, not " + value);
        }
        return new Arg(value, null, written);
    }

    public static Arg dynamic(ValueSource source, String written) {
        return new Arg(null, source, written);
    }

    public boolean isConstant() {
        return dynamic == null;
    }

    /** The constant (String or Long); only for {@link #isConstant()} arguments. */
    public Object constant() {
        if (dynamic != null) {
            throw new IllegalStateException(written + " is not a constant");
        }
        return constant;
    }

    /** The constant as text (numbers in decimal), or an error naming the argument when it is not constant. */
    public String constantString() {
        return String.valueOf(constant());
    }

    @Override
    public Object get(ScriptContext ctx) {
        return dynamic == null ? constant : dynamic.get(ctx);
    }

    @Override
    public String toString() {
        return written;
    }
}
