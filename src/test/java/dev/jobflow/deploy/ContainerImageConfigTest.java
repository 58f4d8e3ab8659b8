package dev.jobflow.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPath;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

/**
 * The image is built by Jib (profile "image") on a machine that can reach a registry; this one cannot, so the
 * configuration is checked instead: a JRE 17 base, the CLI's main class, a numeric non-root user that the
 * Deployments run as, and exactly the ports they declare.
 */
class ContainerImageConfigTest {
  private static final String JIB = "/project/profiles/profile[id='image']/build/plugins/plugin"
      + "[artifactId='jib-maven-plugin']/configuration";

  @Test
  void jibBuildsANonRootJre17ImageWithTheCliAsEntrypoint() throws Exception {
    XPath x = xpath();
    Document pom = pom();
    assertTrue(x.evaluate(JIB + "/from/image", pom).matches("eclipse-temurin:17(\\.[\\d.]+)?(_\\d+)?-jre.*"),
        "a JRE 17 base image, got " + x.evaluate(JIB + "/from/image", pom));
    String shadeMain = x.evaluate("/project/build/plugins/plugin[artifactId='maven-shade-plugin']//mainClass", pom);
    assertEquals(shadeMain, x.evaluate(JIB + "/container/mainClass", pom), "the same main class as jobflow.jar");
    String[] user = x.evaluate(JIB + "/container/user", pom).split(":");
    long uid = Long.parseLong(user[0]); // numeric: kubelet can only verify runAsNonRoot for a numeric user
    assertNotEquals(0L, uid, "the image runs as a non-root user");
    assertTrue(x.evaluate(JIB + "/container/jvmFlags", pom).contains("-XX:MaxRAMPercentage="),
        "heap sized from the container's memory");
    assertTrue(x.evaluate("/project/profiles/profile[id='image']/build/plugins/plugin[artifactId='jib-maven-plugin']"
        + "/version", pom).startsWith("3.4."), "Jib 3.4.x");
  }

  @Test
  void deploymentsRunAsTheImageUserOnTheImagePorts() throws Exception {
    XPath x = xpath();
    Document pom = pom();
    long uid = Long.parseLong(x.evaluate(JIB + "/container/user", pom).split(":")[0]);
    NodeList portNodes = (NodeList) x.evaluate(JIB + "/container/ports/port", pom, XPathConstants.NODESET);
    Set<Integer> imagePorts = new TreeSet<>();
    for (int i = 0; i < portNodes.getLength(); i++) {
      imagePorts.add(Integer.parseInt(portNodes.item(i).getTextContent().trim().replace("/tcp", "")));
    }
    Set<Integer> deployedAnywhere = new TreeSet<>();
    for (String overlay : List.of("dev", "production")) {
      Set<Integer> deployed = new TreeSet<>();
      for (Deployment d : Kustomize.overlay(overlay).all(Deployment.class)) {
        var pod = d.getSpec().getTemplate().getSpec();
        assertEquals(uid, pod.getSecurityContext().getRunAsUser(), d.getMetadata().getName() + " runAsUser");
        List<ContainerPort> ports = new ArrayList<>();
        pod.getContainers().forEach(c -> ports.addAll(c.getPorts()));
        ports.forEach(p -> deployed.add(p.getContainerPort()));
        pod.getContainers().forEach(c -> assertTrue(c.getImage().startsWith("jobflow:") || c.getImage().contains("/jobflow:"),
            d.getMetadata().getName() + " runs the jobflow image, not " + c.getImage()));
      }
      assertTrue(imagePorts.containsAll(deployed), overlay + ": the Deployments' container ports " + deployed
          + " are the image's " + imagePorts);
      deployedAnywhere.addAll(deployed);
    }
    assertEquals(imagePorts, deployedAnywhere, "every port the image declares is used by some overlay");
  }

  private static Document pom() throws Exception {
    return DocumentBuilderFactory.newInstance().newDocumentBuilder()
        .parse(Kustomize.PROJECT.resolve("pom.xml").toFile());
  }

  private static XPath xpath() {
    return XPathFactory.newInstance().newXPath();
  }
}
