package dev.cove.secure.sign;

import java.util.List;
import java.util.Optional;

/**
 * The outcome of applying a {@link TrustPolicy} to a model's signature checks: whether it may
 * load, and a message saying why (or why not) that names the model and every signature's fate.
 */
public record TrustDecision(TrustPolicy policy, String model, List<SignatureVerifier.Check> checks) {
    public TrustDecision {
        checks = List.copyOf(checks);
    }

    /** The first signature that makes the model trusted, if any. */
    public Optional<SignatureVerifier.Check> trustedBy() {
        return checks.stream().filter(SignatureVerifier.Check::trusted).findFirst();
    }

    public boolean trusted() {
        return trustedBy().isPresent();
    }

    /** True when the model may be loaded under the policy. */
    public boolean allowed() {
        return policy != TrustPolicy.REQUIRE || trusted();
    }

    /** Null when the model is trusted or the policy is off; otherwise why it is not trusted. */
    public String problem() {
        if (policy == TrustPolicy.OFF || trusted()) {
            return null;
        }
        StringBuilder sb = new StringBuilder(model).append(": ");
        if (checks.isEmpty()) {
            sb.append("no signature (sign it with: cove sign ").append(model).append(")");
        } else {
            sb.append("no valid signature from a trusted key");
            for (SignatureVerifier.Check c : checks) {
                sb.append("; ").append(c.source()).append(": ").append(c.message());
            }
        }
        return sb.toString();
    }

    /** Throws when the policy forbids loading. */
    public void enforce() {
        if (!allowed()) {
            throw new UntrustedModelException(problem() + " (trust policy: require)");
        }
    }
}
