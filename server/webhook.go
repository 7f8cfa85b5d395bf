package server

// WebhooksConfig configures the webhooks (package webhook).
type WebhooksConfig struct {
	// AllowHosts are host names and IP prefixes a subscription may name
	// although they are private or loopback (webhook.Guard.Allow).
	AllowHosts []string
}
