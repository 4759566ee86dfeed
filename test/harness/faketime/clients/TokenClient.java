import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A token client in plain Java 17 (java.net.http, Instant.now) speaking understudy's command
 * protocol: one JSON unit per stdin line, one JSON report per stdout line, units one at a time.
 * Caches the token until shortly before expires_in runs out and replays once on 401. Run it as a
 * single source file: `java TokenClient.java`. The faketime tests run it under libfaketime.
 */
public class TokenClient {
  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  static final Duration TIMEOUT = Duration.ofMillis(Long.parseLong(env("UNDERSTUDY_TIMEOUT_MS", "10000")));
  static String token;
  static Instant refreshAt = Instant.EPOCH;

  static String env(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isEmpty() ? fallback : value;
  }

  static String field(String json, String name) {
    Matcher m = Pattern.compile("\"" + name + "\"\\s*:\\s*(\"([^\"]*)\"|([0-9.]+))").matcher(json);
    if (!m.find()) return null;
    return m.group(2) != null ? m.group(2) : m.group(3);
  }

  static String form(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  static String currentToken(boolean force) throws Exception {
    if (!force && token != null && Instant.now().isBefore(refreshAt)) return token;
    String body = "grant_type=client_credentials" + (env("UNDERSTUDY_SCOPE", "").isEmpty() ? "" : "&scope=" + form(env("UNDERSTUDY_SCOPE", "")));
    String basic = Base64.getEncoder().encodeToString((form(env("UNDERSTUDY_CLIENT_ID", "")) + ":" + form(env("UNDERSTUDY_CLIENT_SECRET", ""))).getBytes(StandardCharsets.UTF_8));
    HttpRequest request = HttpRequest.newBuilder(URI.create(env("UNDERSTUDY_TOKEN_URL", ""))).timeout(TIMEOUT)
        .header("authorization", "Basic " + basic).header("content-type", "application/x-www-form-urlencoded").header("accept", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) throw new IllegalStateException("token endpoint answered " + response.statusCode());
    String value = field(response.body(), "access_token");
    if (value == null) throw new IllegalStateException("token response has no access_token");
    String expiresIn = field(response.body(), "expires_in");
    double lifetime = expiresIn == null ? 60 : Double.parseDouble(expiresIn);
    double early = Math.min(30, Math.max(1, lifetime * 0.1));
    token = value;
    refreshAt = Instant.now().plusMillis((long) ((lifetime - early) * 1000));
    return token;
  }

  static int call(String method, String path, String bearer) throws Exception {
    URI uri = URI.create(env("UNDERSTUDY_API_URL", "")).resolve(path);
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(TIMEOUT).header("authorization", "Bearer " + bearer).header("accept", "application/json")
        .method(method, HttpRequest.BodyPublishers.noBody()).build();
    return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  public static void main(String[] args) throws Exception {
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null) {
      if (line.isBlank()) continue;
      String id = field(line, "id");
      String method = field(line, "method");
      String path = field(line, "path");
      String report;
      try {
        int status = call(method == null ? "GET" : method, path, currentToken(false));
        if (status == 401) status = call(method == null ? "GET" : method, path, currentToken(true));
        report = "{\"id\":" + id + ",\"ok\":" + (status >= 200 && status < 300) + ",\"status\":" + status + "}";
      } catch (Exception error) {
        report = "{\"id\":" + id + ",\"ok\":false,\"error\":\"" + String.valueOf(error).replace("\\", "\\\\").replace("\"", "'") + "\"}";
      }
      System.out.println(report);
      System.out.flush();
    }
  }
}
