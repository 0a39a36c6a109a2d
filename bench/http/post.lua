-- wrk has no method option: the HTTP rows that POST (cookie + CSRF) load this.
wrk.method = "POST"
