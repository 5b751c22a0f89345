import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Opens N idle SIP-over-WebSocket connections (subprotocol sip) to a URI, says "open N" on
 * standard output, holds them until a line arrives on standard input, then closes them. Run as a
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
        List<WebSocket> open = new ArrayList<>();
        for (int i = 0; i < n; i += 50) {
            List<CompletableFuture<WebSocket>> batch = new ArrayList<>();
            for (int j = i; j < Math.min(n, i + 50); j++) {
                batch.add(http.newWebSocketBuilder().subprotocols("sip").buildAsync(uri, new WebSocket.Listener() { }));
            }
            for (CompletableFuture<WebSocket> f : batch) {
                open.add(f.get(20, TimeUnit.SECONDS));
            }
        }
        System.out.println("open " + open.size());
        System.out.flush();
        System.in.read();
        for (WebSocket ws : open) {
            ws.abort();
        }
    }
}
