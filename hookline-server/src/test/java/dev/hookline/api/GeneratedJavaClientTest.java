package dev.hookline.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookline.testing.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openapitools.codegen.DefaultGenerator;
import org.openapitools.codegen.config.CodegenConfigurator;

/**
 * Clients are generated, not written: OpenAPI Generator's standard Java client (the JDK HttpClient
 * flavour) is generated from the document the server serves, compiled, and used to call the server.
 * docs/clients.md gives the same steps, and TypeScript's, for users.
 */
class GeneratedJavaClientTest {
    @TempDir
    Path work;

    @Test
    void aClientGeneratedFromTheDocumentCompilesAndCallsTheServer() throws Exception {
        Path spec = work.resolve("openapi.json");
        try (InputStream in = ApiDocument.class.getResourceAsStream("openapi.json")) {
            Files.copy(in, spec);
        }
        Path out = work.resolve("client");
        CodegenConfigurator config = new CodegenConfigurator()
                .setGeneratorName("java").setLibrary("native")
                .setInputSpec(spec.toString()).setOutputDir(out.toString())
                .setInvokerPackage("com.example.hookline").setApiPackage("com.example.hookline.api")
                .setModelPackage("com.example.hookline.model")
                .addAdditionalProperty("openApiNullable", false)
                .addAdditionalProperty("annotationLibrary", "none")
                .addAdditionalProperty("useJakartaEe", true)
                .addAdditionalProperty("hideGenerationTimestamp", true)
                .addGlobalProperty("apiTests", "false").addGlobalProperty("modelTests", "false")
                .addGlobalProperty("apiDocs", "false").addGlobalProperty("modelDocs", "false");
        new DefaultGenerator().opts(config.toClientOptInput()).generate();

        Path classes = Files.createDirectories(work.resolve("classes"));
        List<String> sources;
        try (Stream<Path> files = Files.walk(out.resolve("src/main/java"))) {
            sources = files.filter(f -> f.toString().endsWith(".java")).map(Path::toString).toList();
        }
        List<String> args = new ArrayList<>(List.of("-d", classes.toString(), "-classpath", System.getProperty("java.class.path"),
                "-proc:none", "-nowarn", "-Xlint:none"));
        args.addAll(sources);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        java.io.ByteArrayOutputStream errors = new java.io.ByteArrayOutputStream();
        int compiled = javac.run(null, null, errors, args.toArray(String[]::new));
        assertThat(compiled).as("javac on the generated client:\n%s", errors).isZero();

        try (TestServer server = new TestServer();
             URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()}, getClass().getClassLoader())) {
            Class<?> clientClass = loader.loadClass("com.example.hookline.ApiClient");
            Object client = clientClass.getConstructor().newInstance();
            clientClass.getMethod("updateBaseUri", String.class).invoke(client, server.baseUrl());
            Consumer<java.net.http.HttpRequest.Builder> auth = b -> b.header("Authorization", "Bearer " + TestServer.ROOT_KEY);
            clientClass.getMethod("setRequestInterceptor", Consumer.class).invoke(client, auth);

            Class<?> createClass = loader.loadClass("com.example.hookline.model.AppCreate");
            Object create = createClass.getConstructor().newInstance();
            createClass.getMethod("setName", String.class).invoke(create, "Generated");
            createClass.getMethod("setUid", String.class).invoke(create, "generated");
            Class<?> appsApi = loader.loadClass("com.example.hookline.api.AppsApi");
            Object apps = appsApi.getConstructor(clientClass).newInstance(client);
            Method createApp = appsApi.getMethod("createApp", createClass);
            Object app = createApp.invoke(apps, create);

            assertThat(app.getClass().getMethod("getId").invoke(app).toString()).startsWith("app_");
            assertThat(server.get("/v1/apps/generated").text("/name")).isEqualTo("Generated");
        }
    }
}
