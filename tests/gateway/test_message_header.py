from urllib.parse import unquote

from sobria.gateway.call import message_header


def test_message_header_is_the_percent_encoded_text_and_kept_per_text():
    text = "Règle « pas de GPT-4 » : modèle remplacé (gpt-4o-mini) | coût/évité"
    value = message_header(text)
    assert value == (b"R%C3%A8gle %C2%AB pas de GPT-4 %C2%BB : mod%C3%A8le remplac%C3%A9 (gpt-4o-mini) "
                     b"%7C co%C3%BBt/%C3%A9vit%C3%A9")
    assert unquote(value.decode("ascii")) == text
    assert message_header(text) is value
