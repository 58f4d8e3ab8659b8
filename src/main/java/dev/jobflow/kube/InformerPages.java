package dev.jobflow.kube;

/**
 * How many objects an informer asks for per list request. Unpaged, a restarted controller's first list of 50,000
 * Jobs was one reply of hundreds of megabytes that outran the client's request timeout; in pages each request is
 * short and the API server keeps them apart from other clients' requests. 500 is what kubectl and client-go ask for.
 */
public final class InformerPages {
  public static final long SIZE = 500;

  private InformerPages() {}
}
