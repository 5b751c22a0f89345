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

    private Arg(Object constant, ValueSource dynamic, String written) {
        this.constant = constant;
        this.dynamic = dynamic;
        this.written = written;
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
