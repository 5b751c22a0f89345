package io.sipway.proxy.module.http_client;

import java.io.IOException;
import java.net.Authenticator;
import java.net.ConnectException;
import java.net.PasswordAuthentication;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * http_client's one request (functions.c, curL_request_url) on the JDK's HttpClient: sent and
 * waited for on the calling thread, which is a worker (the functions are {@code mayWait()}: a
 * route that calls them never runs on an event loop). What comes back is Kamailio's: the HTTP
 * status, or libcurl's error code when no answer came ({@link CurlErrors}); the body is kept for
 * statuses 200..499 only, cut at the first line feed ({@code oneline}) or else at
 * {@code maxdatasize} (0: whole).
 */
final class HttpRequests {
    private static final Logger LOG = LoggerFactory.getLogger("io.sipway.http_client");

    /** Clients by redirect policy, timeout and credentials: made once each, they keep their connections. */
    private final Map<String, HttpClient> clients = new ConcurrentHashMap<>();

    /** One request as curL_request_url is given it. */
    record Query(String method, String url, String body, String contentType, List<String> headers, String username,
                 String password, long timeoutMs, boolean redirect, boolean oneline, long maxdatasize, String useragent) {
    }

    /** The status (or curl error), the body kept (null: none), the URL last visited (after redirects; null: none). */
    record Outcome(int code, String result, String effectiveUrl) {
    }

    Outcome send(Query q) {
        HttpRequest request;
        try {
            URI uri = URI.create(q.url()).normalize(); // dot segments squashed, as curl does
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                LOG.warn("URL Schema not supported by curl (url: {})", q.url());
                return new Outcome(scheme.isEmpty() ? CurlErrors.URL_MALFORMAT : CurlErrors.UNSUPPORTED_PROTOCOL, null, null);
            }
            HttpRequest.Builder b = HttpRequest.newBuilder(uri);
            if (q.timeoutMs() > 0) {
                b.timeout(Duration.ofMillis(q.timeoutMs()));
            }
            if (q.useragent() != null) {
                b.header("User-Agent", q.useragent());
            }
            boolean typed = false;
            for (String h : q.headers()) {
                int colon = h.indexOf(':');
                if (colon <= 0) {
                    continue;
                }
                String name = h.substring(0, colon).trim();
                typed |= name.equalsIgnoreCase("Content-Type");
                try {
                    b.header(name, h.substring(colon + 1).trim());
                } catch (IllegalArgumentException e) {
                    LOG.warn("http_client: header {} cannot be set here (the client writes it): left out", name);
                }
            }
            HttpRequest.BodyPublisher body = q.body() == null ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(q.body(), StandardCharsets.UTF_8);
            if (q.body() != null && !typed) {
                // curl's own Content-Type for POSTFIELDS, unless the caller names one
                b.header("Content-Type", q.contentType() != null ? q.contentType() : "application/x-www-form-urlencoded");
            }
            String method = q.method() != null ? q.method() : q.body() != null ? "POST" : "GET";
            request = b.method(method, body).build();
        } catch (IllegalArgumentException e) {
            LOG.warn("Malformed URL used in http client (url: {})", q.url());
            return new Outcome(CurlErrors.URL_MALFORMAT, null, null);
        }
        HttpResponse<byte[]> response;
        try {
            response = client(q).send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(CurlErrors.OPERATION_TIMEDOUT, null, null);
        } catch (IOException e) {
            int code = curlCode(e);
            LOG.warn("{} (url: {})", code == CurlErrors.COULDNT_CONNECT ? "failed to connect() to host"
                    : code == CurlErrors.COULDNT_RESOLVE_HOST ? "Couldn't resolve host"
                    : code == CurlErrors.OPERATION_TIMEDOUT ? "Curl library timed out on request"
                    : "failed to perform curl (" + code + ")", q.url());
            return new Outcome(code, null, null);
        }
        int status = response.statusCode();
        String result = null;
        byte[] data = response.body();
        if (status >= 200 && status < 500 && data != null && data.length > 0) {
            int len = data.length;
            int lf = -1;
            if (q.oneline()) {
                for (int i = 0; i < data.length; i++) {
                    if (data[i] == '\n') {
                        lf = i;
                        break;
                    }
                }
            }
            if (lf >= 0) {
                len = lf;
            } else if (q.maxdatasize() > 0 && data.length > q.maxdatasize()) {
                len = (int) q.maxdatasize();
            }
            result = new String(data, 0, len, StandardCharsets.UTF_8);
        }
        return new Outcome(status, result, response.uri().toString());
    }

    /** The libcurl code of what went wrong without an answer. */
    static int curlCode(IOException e) {
        if (e instanceof HttpConnectTimeoutException || e instanceof HttpTimeoutException) {
            return CurlErrors.OPERATION_TIMEDOUT;
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof UnresolvedAddressException || t instanceof java.net.UnknownHostException) {
                return CurlErrors.COULDNT_RESOLVE_HOST;
            }
        }
        if (e instanceof ConnectException) {
            return CurlErrors.COULDNT_CONNECT;
        }
        if (e instanceof javax.net.ssl.SSLException) {
            return CurlErrors.SSL_CONNECT_ERROR;
        }
        String m = String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT);
        if (m.contains("too many redirects")) {
            return CurlErrors.TOO_MANY_REDIRECTS;
        }
        return m.contains("no bytes") || m.contains("eof") ? CurlErrors.GOT_NOTHING : CurlErrors.RECV_ERROR;
    }

    private HttpClient client(Query q) {
        String key = q.redirect() + "|" + q.timeoutMs() + "|" + q.username() + "|" + q.password();
        return clients.computeIfAbsent(key, k -> {
            HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .followRedirects(q.redirect() ? HttpClient.Redirect.ALWAYS : HttpClient.Redirect.NEVER);
            if (q.timeoutMs() > 0) {
                b.connectTimeout(Duration.ofMillis(q.timeoutMs()));
            }
            if (q.username() != null) {
                PasswordAuthentication credentials = new PasswordAuthentication(q.username(),
                        (q.password() == null ? "" : q.password()).toCharArray());
                b.authenticator(new Authenticator() {
                    @Override
                    protected PasswordAuthentication getPasswordAuthentication() {
                        return credentials; // Basic, when the server asks (curl's CURLAUTH_BASIC)
                    }
                });
            }
            return b.build();
        });
    }
}
