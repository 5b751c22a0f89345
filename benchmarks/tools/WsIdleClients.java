import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Opens N SIP-over-WebSocket connections (subprotocol sip) to a URI, registers one user on each
 * (user0000... at 127.0.0.1, as a browser does: an .invalid host, transport=ws), says
 * "open N registered M" on standard output once the 200s are in, holds them until a line arrives on standard input, then closes them. Run as a
 * single-file program: java benchmarks/tools/WsIdleClients.java wss://127.0.0.1:4443/ 1000
 * (the server certificate is not checked: a measurement tool on loopback).
 */
public class WsIdleClients {
    public static void main(String[] args) throws Exception {
        URI uri = URI.create(args[0]);
        int n = Integer.parseInt(args[1]);
        SSLContext tls = SSLContext.getInstance("TLSv1.3");
        tls.init(null, new TrustManager[] {new X509TrustManager() {
            public void checkClientTrusted(X509Certificate[] c, String a) { }
            public void checkServerTrusted(X509Certificate[] c, String a) { }
            public X509Certificate[] getAcceptedIssuers() { return new X509Certificate[0]; }
        }}, null);
        HttpClient http = HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(10)).build();
        AtomicInteger registered = new AtomicInteger();
        WebSocket.Listener countOks = new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                if (data.toString().startsWith("SIP/2.0 200")) {
                    registered.incrementAndGet();
                }
                ws.request(1);
                return null;
            }
        };
        List<WebSocket> open = new ArrayList<>();
        for (int i = 0; i < n; i += 50) {
            List<CompletableFuture<WebSocket>> batch = new ArrayList<>();
            for (int j = i; j < Math.min(n, i + 50); j++) {
                batch.add(http.newWebSocketBuilder().subprotocols("sip").buildAsync(uri, countOks));
            }
            for (CompletableFuture<WebSocket> f : batch) {
                open.add(f.get(20, TimeUnit.SECONDS));
            }
        }
        for (int i = 0; i < open.size(); i++) {
            String user = String.format("user%04d", i);
            String host = "c" + i + ".invalid";
            open.get(i).sendText("REGISTER sip:127.0.0.1 SIP/2.0\r\n"
                    + "Via: SIP/2.0/WSS " + host + ";branch=z9hG4bK-idle" + i + "\r\n"
                    + "Max-Forwards: 70\r\nFrom: <sip:" + user + "@127.0.0.1>;tag=t" + i + "\r\n"
                    + "To: <sip:" + user + "@127.0.0.1>\r\nCall-ID: idle-" + i + "\r\nCSeq: 1 REGISTER\r\n"
                    + "Contact: <sip:" + user + "@" + host + ";transport=ws>;expires=600\r\nContent-Length: 0\r\n\r\n", true)
                    .get(10, TimeUnit.SECONDS);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (registered.get() < open.size() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        System.out.println("open " + open.size() + " registered " + registered.get());
        System.out.flush();
        System.in.read();
        for (WebSocket ws : open) {
            ws.abort();
        }
    }
}
