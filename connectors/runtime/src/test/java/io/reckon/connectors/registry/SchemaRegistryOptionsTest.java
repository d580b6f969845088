package io.reckon.connectors.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

class SchemaRegistryOptionsTest {

    @Test
    void defaultsMatchTheDocumentedValues() {
        Configuration conf = new Configuration();

        assertThat(conf.get(SchemaRegistryOptions.AUTO_REGISTER)).isTrue();
        assertThat(conf.get(SchemaRegistryOptions.CACHE_CAPACITY)).isEqualTo(1000);
        assertThat(conf.getOptional(SchemaRegistryOptions.URL)).isEmpty();
        assertThat(SchemaRegistryOptions.URL.key()).isEqualTo("schema-registry.url");
        assertThat(SchemaRegistryOptions.BASIC_AUTH_USER_INFO.key()).isEqualTo("schema-registry.basic-auth.user-info");
    }

    @Test
    void truststoreLocationReachesTheClientUnderTheKeyItReadsTlsSettingsFrom() {
        Configuration conf = new Configuration();
        conf.setString("schema-registry.properties.ssl.truststore.location", "/etc/reckon/truststore.p12");
        conf.setString("schema-registry.properties.ssl.truststore.type", "PKCS12");

        Map<String, Object> configs = SchemaRegistryOptions.clientConfigs(conf, Map.of());

        assertThat(configs)
                .containsEntry("schema.registry.ssl.truststore.location", "/etc/reckon/truststore.p12")
                .containsEntry("schema.registry.ssl.truststore.type", "PKCS12");
    }

    @Test
    void otherPassThroughPropertiesAreHandedOverWithoutThePrefix() {
        Configuration conf = new Configuration();
        conf.setString("schema-registry.properties.http.read.timeout.ms", "5000");
        conf.setString("schema-registry.url", "http://registry:8081");
        conf.setString("kafka.properties.ssl.truststore.location", "/not/for/the/registry");

        Map<String, Object> configs = SchemaRegistryOptions.clientConfigs(conf, Map.of());

        assertThat(configs).isEqualTo(Map.of("http.read.timeout.ms", "5000"));
    }

    @Test
    void basicAuthUserInfoSelectsUserInfoCredentials() {
        Configuration conf = new Configuration();
        conf.set(SchemaRegistryOptions.BASIC_AUTH_USER_INFO, "svc:pw");

        assertThat(SchemaRegistryOptions.clientConfigs(conf, Map.of()))
                .containsEntry("basic.auth.credentials.source", "USER_INFO")
                .containsEntry("basic.auth.user.info", "svc:pw");
    }

    @Test
    void userInfoComesFromTheEnvironmentWhenNotConfigured() {
        Map<String, Object> configs = SchemaRegistryOptions.clientConfigs(
                new Configuration(), Map.of(SchemaRegistryOptions.USER_INFO_ENV, "env-user:env-pw"));

        assertThat(configs).containsEntry("basic.auth.user.info", "env-user:env-pw");
    }

    @Test
    void configuredUserInfoWinsOverTheEnvironment() {
        Configuration conf = new Configuration();
        conf.set(SchemaRegistryOptions.BASIC_AUTH_USER_INFO, "conf-user:pw");

        Map<String, Object> configs =
                SchemaRegistryOptions.clientConfigs(conf, Map.of(SchemaRegistryOptions.USER_INFO_ENV, "env-user:pw"));

        assertThat(configs).containsEntry("basic.auth.user.info", "conf-user:pw");
    }

    @Test
    void withoutCredentialsNoAuthenticationIsConfigured() {
        assertThat(SchemaRegistryOptions.clientConfigs(new Configuration(), Map.of()))
                .doesNotContainKeys("basic.auth.credentials.source", "basic.auth.user.info");
    }
}
