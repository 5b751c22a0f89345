package io.sipway.proxy.module.xmlrpc;

import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * XML-RPC both ways as Kamailio 5.6.3's xmlrpc module speaks it. A call is read with the JDK's
 * parser, DOCTYPEs refused (no entity can reach a file or the network); its parameters become the
 * values the RPC commands take (string, Long for int/i4, Boolean, Double, Map for a struct, List for
 * an array; a value without a type is a string). An answer is written byte for byte as Kamailio
 * writes it (read from its replies):
 * <pre>
 * &lt;?xml version="1.0"?&gt;\n&lt;methodResponse&gt;\n&lt;params&gt;\n&lt;param&gt;\n&lt;value&gt;  ...  &lt;/value&gt;\n&lt;/param&gt;\n&lt;/params&gt;\n&lt;/methodResponse&gt;
 * </pre>
 * where a list (Kamailio's RET_ARRAY commands) is {@code <array><data>\n} then {@code <value>item</value>\n}
 * per item then {@code </data></array>}, and any other result is the value followed by a line feed;
 * a struct is {@code <struct><member><name>n</name><value>v</value></member>...</struct>}; text escapes
 * {@code <}, {@code &} and (escape_cr) CR. A fault is the struct of faultCode and faultString, one
 * element per line.
 */
final class XmlRpcCodec {
    private static final String SUCCESS_PREFIX = "<?xml version=\"1.0\"?>\n<methodResponse>\n<params>\n<param>\n<value>";
    private static final String SUCCESS_SUFFIX = "</value>\n</param>\n</params>\n</methodResponse>";

    private XmlRpcCodec() {
    }

    /** A call: the method and its parameters. */
    record Call(String method, List<Object> params) {
    }

    /** The call in {@code body}; IllegalArgumentException when it is no XML-RPC call. */
    static Call parse(byte[] body) {
        Element root;
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setExpandEntityReferences(false);
            DocumentBuilder b = f.newDocumentBuilder();
            b.setErrorHandler(null);
            root = b.parse(new ByteArrayInputStream(body)).getDocumentElement();
        } catch (Exception e) {
            throw new IllegalArgumentException("not an XML document: " + e.getMessage(), e);
        }
        if (!root.getTagName().equals("methodCall")) {
            throw new IllegalArgumentException("no methodCall");
        }
        Element name = child(root, "methodName");
        if (name == null) {
            throw new IllegalArgumentException("no methodName");
        }
        List<Object> params = new ArrayList<>();
        Element ps = child(root, "params");
        if (ps != null) {
            for (Element p : children(ps, "param")) {
                Element v = child(p, "value");
                params.add(v == null ? "" : value(v));
            }
        }
        return new Call(name.getTextContent().trim(), params);
    }

    private static Object value(Element v) {
        Element typed = null;
        for (Node n = v.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e) {
                typed = e;
                break;
            }
        }
        if (typed == null) {
            return v.getTextContent(); // no type: a string
        }
        String text = typed.getTextContent();
        switch (typed.getTagName()) {
            case "int", "i4", "i8":
                try {
                    return Long.parseLong(text.trim());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("bad int " + text, e);
                }
            case "boolean":
                return text.trim().equals("1") || text.trim().equalsIgnoreCase("true");
            case "double":
                try {
                    return Double.parseDouble(text.trim());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("bad double " + text, e);
                }
            case "struct": {
                Map<String, Object> m = new LinkedHashMap<>();
                for (Element member : children(typed, "member")) {
                    Element n = child(member, "name");
                    Element mv = child(member, "value");
                    if (n != null) {
                        m.put(n.getTextContent(), mv == null ? "" : value(mv));
                    }
                }
                return m;
            }
            case "array": {
                List<Object> l = new ArrayList<>();
                Element data = child(typed, "data");
                if (data != null) {
                    for (Element item : children(data, "value")) {
                        l.add(value(item));
                    }
                }
                return l;
            }
            default:
                return text; // string, dateTime.iso8601, base64: as written
        }
    }

    private static Element child(Element e, String name) {
        for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element c && c.getTagName().equals(name)) {
                return c;
            }
        }
        return null;
    }

    private static List<Element> children(Element e, String name) {
        List<Element> out = new ArrayList<>();
        for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element c && c.getTagName().equals(name)) {
                out.add(c);
            }
        }
        return out;
    }

    /** The answer of a result (a command's JSON-shaped value; null: it added nothing). */
    static String success(Object result, boolean escapeCr) {
        StringBuilder b = new StringBuilder(256).append(SUCCESS_PREFIX);
        if (result instanceof List<?> items) {
            b.append("<array><data>\n");
            for (Object item : items) {
                b.append("<value>");
                write(b, item, escapeCr);
                b.append("</value>\n");
            }
            b.append("</data></array>");
        } else if (result != null && !(result instanceof Map<?, ?> m && m.isEmpty())) {
            write(b, result, escapeCr);
            b.append('\n');
        }
        return b.append(SUCCESS_SUFFIX).toString();
    }

    /** xmlrpc_reply() below 300: success with the integer 1. */
    static String ok() {
        return SUCCESS_PREFIX + "<int>1</int>" + SUCCESS_SUFFIX;
    }

    /** A fault: code and text, as Kamailio's build_fault_reply lays it out. */
    static String fault(int code, String reason, boolean escapeCr) {
        StringBuilder b = new StringBuilder(300).append("<?xml version=\"1.0\"?>\n<methodResponse>\n<fault>\n<value>\n<struct>\n")
                .append("<member>\n<name>faultCode</name>\n<value><int>").append(code).append("</int></value>\n</member>\n")
                .append("<member>\n<name>faultString</name>\n<value><string>");
        escape(b, reason, escapeCr);
        return b.append("</string></value>\n</member>\n</struct>\n</value>\n</fault>\n</methodResponse>").toString();
    }

    private static void write(StringBuilder b, Object v, boolean escapeCr) {
        if (v instanceof Map<?, ?> m) {
            b.append("<struct>");
            for (Map.Entry<?, ?> e : m.entrySet()) {
                b.append("<member><name>");
                escape(b, String.valueOf(e.getKey()), escapeCr);
                b.append("</name><value>");
                write(b, e.getValue(), escapeCr);
                b.append("</value></member>");
            }
            b.append("</struct>");
        } else if (v instanceof List<?> l) {
            b.append("<array><data>");
            for (Object item : l) {
                b.append("<value>");
                write(b, item, escapeCr);
                b.append("</value>");
            }
            b.append("</data></array>");
        } else if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
            b.append("<int>").append(v).append("</int>");
        } else if (v instanceof Double || v instanceof Float) {
            b.append("<double>").append(String.format(java.util.Locale.ROOT, "%f", ((Number) v).doubleValue())).append("</double>");
        } else if (v instanceof Boolean bool) {
            b.append("<boolean>").append(bool ? 1 : 0).append("</boolean>");
        } else {
            b.append("<string>");
            escape(b, v == null ? "" : v.toString(), escapeCr);
            b.append("</string>");
        }
    }

    /** add_xmlrpc_reply_esc: {@code <} and {@code &} always, CR with escape_cr. */
    private static void escape(StringBuilder b, String s, boolean escapeCr) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '&' -> b.append("&amp;");
                case '\r' -> b.append(escapeCr ? "&#xD;" : "\r");
                default -> b.append(c);
            }
        }
    }
}
