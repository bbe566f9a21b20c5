ALTER TABLE "app"."branding" ADD COLUMN "login_background" text;--> statement-breakpoint
ALTER TABLE "app"."branding" ADD COLUMN "favicon_mime" text;--> statement-breakpoint
ALTER TABLE "app"."branding" ADD COLUMN "favicon_data" "bytea";--> statement-breakpoint
ALTER TABLE "app"."branding" ADD COLUMN "favicon_sha256" text;--> statement-breakpoint
ALTER TABLE "app"."branding" ADD COLUMN "document_business_name" text;--> statement-breakpoint
ALTER TABLE "app"."branding" ADD COLUMN "document_address" text;--> statement-breakpoint
ALTER TABLE "app"."branding" ADD COLUMN "document_tax_id" text;--> statement-breakpoint
ALTER TABLE "app"."branding" ADD COLUMN "document_payment_terms" text;--> statement-breakpoint
ALTER TABLE "app"."email_settings" ADD COLUMN "sending_domain" text;--> statement-breakpoint
ALTER TABLE "app"."email_settings" ADD COLUMN "resend_domain_id" text;--> statement-breakpoint
ALTER TABLE "app"."email_settings" ADD COLUMN "sending_domain_status" text;--> statement-breakpoint
ALTER TABLE "app"."email_settings" ADD COLUMN "sending_domain_records" jsonb;--> statement-breakpoint
ALTER TABLE "app"."email_settings" ADD COLUMN "sending_domain_checked_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "platform"."domains" ADD COLUMN "last_checked_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "platform"."domains" ADD COLUMN "last_error" text;--> statement-breakpoint
ALTER TABLE "app"."branding" ADD CONSTRAINT "branding_login_background_hex" CHECK ("app"."branding"."login_background" is null or "app"."branding"."login_background" ~ '^#[0-9a-fA-F]{6}$');--> statement-breakpoint
ALTER TABLE "app"."branding" ADD CONSTRAINT "branding_favicon_mime" CHECK ("app"."branding"."favicon_mime" is null or "app"."branding"."favicon_mime" = 'image/png');