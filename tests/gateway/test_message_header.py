from urllib.parse import quote, unquote

from sobria.gateway.call import message_header

SAFE = " ,.;:!?()'/-_"


def test_message_header_is_the_percent_encoded_text():
    text = "Règle « pas de GPT-4 » : modèle remplacé (gpt-4o-mini) | coût/évité"
    value = message_header(text)
    assert value == (b"R%C3%A8gle %C2%AB pas de GPT-4 %C2%BB : mod%C3%A8le remplac%C3%A9 (gpt-4o-mini) "
                     b"%7C co%C3%BBt/%C3%A9vit%C3%A9")
    assert unquote(value.decode("ascii")) == text


def test_message_header_matches_quote_on_every_character_class():
    texts = ["", "abc~", "%", "a\x00b\x7f", "日本語 😀", "".join(chr(c) for c in range(0x250)),
             "Vous en êtes à 4 régénérations de cette requête (la charte en prévoit 3)."]
    for text in texts:
        assert message_header(text) == quote(text, safe=SAFE).encode("ascii")
