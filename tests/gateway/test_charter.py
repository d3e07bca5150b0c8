"""The charter applied live: routing, escalation with a justification, personal data, images,
regenerations — decisions and their French messages in the headers and errors."""

from __future__ import annotations

from urllib.parse import unquote

import httpx

from tests.gateway.conftest import Running


def _chat(running: Running, text: str, model: str = "gpt-4o-mini", **headers: str) -> httpx.Response:
    return httpx.post(f"{running.url}/v1/chat/completions",
                      headers={"Authorization": f"Bearer {running.key}", **headers},
                      json={"model": model, "messages": [{"role": "user", "content": text}]})


def test_heavy_model_without_purpose_is_routed_to_the_default(running: Running) -> None:
    r = _chat(running, "Écris un e-mail de relance", model="gpt-4o")
    assert r.status_code == 200
    assert (r.headers["x-sobria-model"], r.headers["x-sobria-decision"]) == ("gpt-4o-mini", "route")
    assert r.headers["x-sobria-rule"] == "models.heavy.purposes"
    assert unquote(r.headers["x-sobria-message"]) == (
        "Le modèle lourd « gpt-4o » est réservé aux usages prévus par la charte et aucun usage n'a été déclaré : "
        "la requête passe par « gpt-4o-mini ».")
    assert running.upstream.received[-1]["model"] == "gpt-4o-mini"


def test_escalation_needs_a_justification(running: Running) -> None:
    routed = _chat(running, "Analyse du marché", model="gpt-4o", **{"X-Sobria-Purpose": "analyse_strategique"})
    assert (routed.headers["x-sobria-model"], routed.headers["x-sobria-rule"]) == (
        "gpt-4o-mini", "models.heavy.justification_required")
    allowed = _chat(running, "Analyse du marché 2", model="gpt-4o",
                    **{"X-Sobria-Purpose": "analyse_strategique",
                       "X-Sobria-Justification": "Comparer 40 pages de rapports annuels"})
    assert (allowed.status_code, allowed.headers["x-sobria-model"]) == (200, "gpt-4o")
    assert running.upstream.received[-1]["model"] == "gpt-4o"


def test_client_email_is_redacted_before_leaving(running: Running) -> None:
    r = _chat(running, "Réponds à jean.dupont@client.fr au sujet de la facture")
    assert (r.status_code, r.headers["x-sobria-decision"]) == (200, "redact")
    sent = running.upstream.received[-1]["messages"][0]["content"]
    assert sent == "Réponds à [EMAIL_1] au sujet de la facture"
    assert r.json()["choices"][0]["message"]["content"] == "echo: Réponds à [EMAIL_1] au sujet de la facture"


def test_iban_is_blocked_and_nothing_leaves(running: Running) -> None:
    before = len(running.upstream.received)
    r = _chat(running, "Vire 100 € sur FR76 3000 6000 0112 3456 7890 189")
    assert r.status_code == 403
    error = r.json()["error"]
    assert (error["code"], error["type"]) == ("policy_blocked", "policy_error")
    assert error["message"] == ("Requête refusée : elle contient des identifiants (sécurité sociale, IBAN, carte, "
                                "SIREN, TVA) (iban) ; ce type de données est interdit dans un outil "
                                "sous contrat entreprise. Retirez-les avant d'envoyer.")
    assert len(running.upstream.received) == before


def test_images_rules(running: Running) -> None:
    url = f"{running.url}/v1/images/generations"
    auth = {"Authorization": f"Bearer {running.key}"}
    refused = httpx.post(url, headers={**auth, "X-Sobria-Purpose": "document_interne"},
                         json={"model": "gpt-image-1", "prompt": "illustration"})
    assert (refused.status_code, refused.json()["error"]["code"]) == (403, "policy_blocked")
    routed = httpx.post(url, headers={**auth, "X-Sobria-Purpose": "communication_externe"},
                        json={"model": "dall-e-3", "prompt": "bannière"})
    assert (routed.status_code, routed.headers["x-sobria-model"], routed.headers["x-sobria-rule"]) == (
        200, "gpt-image-1", "images.models")


def test_regenerations_over_the_limit_warn(running: Running) -> None:
    decisions = [_chat(running, "Reformule encore ce paragraphe").headers["x-sobria-decision"] for _ in range(5)]
    assert decisions == ["allow", "allow", "allow", "allow", "warn"]


def test_the_same_prompt_with_other_parameters_is_not_a_regeneration(running: Running) -> None:
    url, auth = f"{running.url}/v1/chat/completions", {"Authorization": f"Bearer {running.key}"}
    messages = [{"role": "user", "content": "Traduis ce paragraphe en anglais"}]
    decisions = [httpx.post(url, headers=auth, json={"model": "gpt-4o-mini", "messages": messages,
                                                     "temperature": t / 10}).headers["x-sobria-decision"]
                 for t in range(6)]
    assert decisions == ["allow"] * 6


def test_the_rule_header_names_every_rule_that_fired(running: Running) -> None:
    r = _chat(running, "Écris à jean.dupont@client.fr", model="gpt-4o")
    assert (r.headers["x-sobria-decision"], r.headers["x-sobria-model"]) == ("redact", "gpt-4o-mini")
    assert r.headers["x-sobria-rule"] == "data.by_tier.enterprise.client_personal_data, models.heavy.purposes"
    assert unquote(r.headers["x-sobria-message"]) == (
        "Avant l'envoi, la passerelle a masqué des données personnelles de clients (email). | "
        "Le modèle lourd « gpt-4o » est réservé aux usages prévus par la charte et aucun usage n'a été déclaré : "
        "la requête passe par « gpt-4o-mini ».")


def test_an_agents_tool_loop_is_not_a_regeneration(running: Running) -> None:
    """Each step of a tool loop re-sends the same user message with one more tool result: another
    request, not the same one sent again (the warning needs the whole prompt and parameters equal)."""
    url, auth = f"{running.url}/v1/chat/completions", {"Authorization": f"Bearer {running.key}"}
    messages: list[dict[str, object]] = [{"role": "user", "content": "Range les factures de mars par client"}]
    decisions = []
    for step in range(6):
        answer = httpx.post(url, headers=auth, json={"model": "gpt-4o-mini", "messages": messages})
        decisions.append(answer.headers["x-sobria-decision"])
        messages = [*messages, {"role": "assistant", "content": None, "tool_calls": [
            {"id": f"c{step}", "type": "function", "function": {"name": "lire", "arguments": f'{{"page": {step}}}'}}]},
            {"role": "tool", "tool_call_id": f"c{step}", "content": f"page {step} lue"}]
    assert decisions == ["allow"] * 6


def test_the_same_message_under_other_instructions_is_not_a_regeneration(running: Running) -> None:
    url, auth = f"{running.url}/v1/chat/completions", {"Authorization": f"Bearer {running.key}"}
    decisions = [httpx.post(url, headers=auth, json={"model": "gpt-4o-mini", "messages": [
        {"role": "system", "content": f"Tu es l'assistant numéro {n}"}, {"role": "user", "content": "continue"}]})
        .headers["x-sobria-decision"] for n in range(6)]
    assert decisions == ["allow"] * 6
    # the same whole request sent again, streamed or not, is one: the fifth warns
    same = {"model": "gpt-4o-mini", "messages": [{"role": "system", "content": "Tu es bref"},
                                                 {"role": "user", "content": "Résume la note de service"}]}
    again = [httpx.post(url, headers=auth, json={**same, "stream": n % 2 == 1}).headers["x-sobria-decision"]
             for n in range(5)]
    assert again == ["allow", "allow", "allow", "allow", "warn"]


def test_images_without_a_declared_purpose_say_so(running: Running) -> None:
    refused = httpx.post(f"{running.url}/v1/images/generations", headers={"Authorization": f"Bearer {running.key}"},
                         json={"model": "gpt-image-1", "prompt": "illustration"})
    assert refused.status_code == 403
    assert refused.json()["error"]["message"] == ("Images autorisées seulement pour : communication_externe ; aucun "
                                                  "usage n'a été déclaré (en-tête X-Sobria-Purpose).")
