package io.sipway.proxy.cli;

import io.sipway.proxy.module.jsonrpcs.JsonText;
import java.util.LinkedHashMap;
import java.util.Map;

/** A one-line JSON object writer for command output (strings, numbers, booleans, null), fields in the order given. */
final class Json {
    private final Map<String, Object> fields = new LinkedHashMap<>();

    Json field(String name, Object value) {
        fields.put(name, value == null || value instanceof Number || value instanceof Boolean ? value : value.toString());
        return this;
    }

    @Override
    public String toString() {
        return JsonText.write(fields);
    }
}
