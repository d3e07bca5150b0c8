"""What a prompt asks of the previous answer, read from its own wording (French and English).

Computed once at import from the normalised text (lower case, accents removed, whitespace
collapsed, ``fingerprint.normalise_text``), stored in the fingerprint as a cue letter and a few
flag bits, then the text is dropped. The cue says what the prompt does with the conversation:

* ``c``: asks to go on ("continue", "la suite", "next", "more"): never a repeat;
* ``r``: asks for another try of the previous deliverable, on its own wording: a retry ("une autre
  version", "try again", "rewrite it"), a complaint about the answer ("not what I want", "that
  doesn't work", "I still get an error", "the 5 points above are not 80 characters"), an edit of
  it ("make it more exciting", "replace the last line", "plus court"), an alternative ("give me 5
  best", "any other ideas?", "try some other ideas"), a request for the whole of it ("complete
  script") or a fragment that amends it ("in context of the RBC model", "but in Python");
* ``n``: none of these.

Flags (bits of one hexadecimal digit), for the content rules of ``audit.chains``:

* ``VARIATION``: asks for a different take ("another", "different", "unique", "instead", "autre");
* ``REQUEST``: asks for a deliverable (starts with write, create, give me, recommend, rédige, crée…).
"""

from __future__ import annotations

import re

VARIATION = 1
REQUEST = 2
SPAN = 160                 # characters from the start that the phrases are looked for in
SHORT_WORDS = 15           # a short prompt: a bare "again", "other ideas", "more formal" counts
CONTINUATION_WORDS = 8
FRAGMENT_WORDS = 12        # "in context of the RBC model": a fragment that amends a request
EDIT_WORDS = 25            # "replace the last sentence…": an edit of the previous answer

_LEAD = (r"^(?:(?:ok(?:ay)?|yes|oui|well|so|great|good|thanks|thank you|merci|hmm+|bon|alors|d'accord|now|"
         r"maintenant|hey|and|et|but|mais|please|pls|stp|svp|can you|could you|would you|will you|"
         r"peux-tu|peux tu|pourrais-tu|pourrais tu|pouvez-vous|pourriez-vous|let's|lets|"
         r"i (?:want|need|would like|'d like) (?:you )?to|je (?:veux|voudrais) que tu)[,.!]? )*")
CONTINUATION = re.compile(
    r"^(please,? |ok,? |yes,? |correct,? |merci,? |oui,? )*(continue\w*|la suite|suite|termine|finis|acheve|"
    r"poursuis|go on|keep going|carry on|go ahead|finish|proceed|more(?=[?!. ]*$| please)|next)\b|"
    r"\b(tu t'es arrete|you stopped|where you left off|continue (a partir|from|with|writing|to))\b")
# Another try, in a short prompt.
RETRY = re.compile(
    r"\b(une? autre|autre version|encore une?|reformule\w*|recommence\w*|refais|refaire|reessaie|"
    r"plus (court|courte|long|longue|simple|formel|formelle|percutant\w*|dynamique|concis\w*|clair\w*)|"
    r"moins (long|formel|commercial|technique)|change le ton|another|again|rewrite|rephrase|reword|"
    r"regenerate|redo|try once more|one more|shorter|longer|simpler|"
    r"more (formal|casual|concise|exciting|engaging|recent|detailed|professional|friendly|creative|catchy|"
    r"dramatic|natural|polite|persuasive|specific|technical|funny|fun|serious|pretentious|modern)|"
    r"less (formal|wordy|technical|casual|verbose)|different version|new version|"
    r"(some |any |a few )?other( \w+){0,3} (ideas?|options?|suggestions?|versions?|examples?|ways?|titles?|"
    r"names?|alternatives?|analog\w*|solutions?|approach\w*)|"
    r"d'autres (\w+ )?(idees|propositions|versions|exemples|titres|options)|"
    r"is there (a |an )?(other|better|different|more \w+|simpler|shorter)|"
    r"(give|show|write|suggest|propose|donne)( me| moi)? (\d+|two|three|four|five|ten|a few|some) "
    r"(best|other|new|different|alternative|better)|"
    r"instead|a la place|plutot|try (doing|to do|writing|making|it|that|this)|"
    r"(a )?(bit|little|tad) (more|less|shorter|longer)|un peu (plus|moins)|"
    r"(make|put|convert|turn|format|present|show|give)( me)? (it|this|that|them|all|everything|the \w+)( \w+){0,3} "
    r"(in|into|as) (a )?(table|list|bullet)|(sous forme de|en) (tableau|liste))\b")
# Another try or a complaint about the answer, near the start of a prompt of any length.
STRONG_RETRY = re.compile(
    r"\b(try again|redo|rewrite (it|this|that)|rephrase|regenerate|reformule\w*|recommence\w*|refais|"
    r"not what i (want|asked|meant|need|was looking)\w*|ce n'est pas ce que|pas ce que (je|j')|"
    r"(write|do|give me|make|create|generate|send) (me )?the same \w+ (but|in|with|without|using)|"
    r"(redige|ecris|refais|fais|donne(-| )moi|genere|cree|reecris|envoie)( moi)? (le|la|les) memes? \w+ "
    r"(mais|en|avec|sans)|"
    r"une autre version|another version|make it (shorter|longer|simpler)|too (long|big|short|generic|vague)|"
    r"start (again|over|from the beginn?ing)|try (some )?(other|another|different)|depuis le debut|from scratch|"
    r"(nothing|rien) (to do|a voir) with|has nothing to do|n'a rien a voir|"
    r"(does ?n't|does not|did ?n't|did not|do ?n't|won't|is ?n't|not) (work|working|compile|run)\w*|"
    r"ne (marche|fonctionne|compile) (toujours )?pas|"
    r"still (not|does ?n't|do ?n't|get|getting|got|giving|gives|shows?|showing|seeing|the same|wrong|"
    r"an? error|error)|toujours (pas|la meme|une erreur|le meme)|encore une erreur|"
    r"same (error|mistake|problem|issue)|meme (erreur|probleme)|"
    r"i did (this|that|it|what you)|j'ai fait (ca|ce que)|"
    r"(i )?(get|got|getting|gives?|giving|throws?|have) (me )?(an? |the |this |that |same |another )?"
    r"(error|erreur|exception)|"
    r"(that|this|it|these|those|they|the (\w+ ){1,3}above|your (answer|response|code|solution|script|version|"
    r"proof|text|list))('s| is| are| was| were| does| do| did| has| have)?( still)?(n't| not) "
    r"(work|correct|right|what|good|enough|accurate|quite|\d+)|"
    r"c'est (faux|pas (ca|bon|correct|juste))|ce n'est pas (ca|bon|correct|juste)|"
    r"you (forgot|missed|ignored|misunderstood|did ?n't (follow|include|use|read))|tu as oublie|"
    r"(as|like) i (told|asked|said)|i (asked|told you) (for|to)|je t'ai (demande|dit)|"
    # a correction of what was meant, or a forgotten constraint
    r"i (meant|mean) |what i meant|je voulais dire|"
    r"(tu peux|peux-tu|pourrais-tu) (le |la |les )?refaire|"
    r"i (do ?n't|did ?n't|do not) (want|need|mean|like) (a|an|the|it|this|that)\b|"
    r"je ne (veux|voulais) pas (de|d'|un|une|le|la|ca)|"
    r"i forgot to (mention|say|tell|add)|j'ai oublie de|n'oublie pas|remember to (add|include|use|mention|keep)|"
    # the answer does not work (an error message pasted back, output that does not show)
    r"your (math|maths|calculation|answer|code|script|formula|logic) (is|was|might be|may be|seems?( to be)?) "
    r"(wrong|incorrect|off|broken)|(did ?n't|did not|does ?n't|does not|wo ?n't|not) (show|appear|load|display)\w*|"
    r"^(e?xception|traceback|error|erreur)\b|error=\d+|cannot (run|find|open|resolve)|still (close|crash|fail|hang)\w*|"
    r"(what|how) about (adding|making|using|changing|including|removing|putting))\b")
START_COMPLAINT = re.compile(
    r"^(no|non|nope)[,.!]|^(wrong|incorrect|faux|not quite|not really|"
    r"(that|this|it) ?('s| is) (wrong|incorrect|not (right|correct|it))|c'est faux)\b")
REWRITE_START = re.compile(_LEAD + r"(rewrite|rephrase|reword|redo|regenerate|reecris|refais|reformule)\b")
EDIT_START = re.compile(
    _LEAD + r"(replace|remove|delete|reword|revise|shorten|lengthen|simplify|condense|polish|reformat|retheme|"
    r"expound(?! on)|make (it|this|that|them) (sound|look|read|feel)|enleve|supprime|remplace|simplifie|"
    r"raccourcis|allonge|reformule|"
    # an edit of the previous deliverable, named by a pronoun or "the <part>"
    r"make (it|this|that|them|these|the \w+) (more|less|\w+er)|expand (on )?(it|this|that|the)|incorporate|"
    r"turn (it|this|that|them) into|convert (it|this|that|them) (in)?to|"
    r"instead of|"
    r"modifie|change (le|la|les|ca)|ajoute (au|a la|dans le|dans la)|rends(-le|-la|-les)? (plus|moins)|"
    r"traduis-(le|la|les))\b")
COMPLETE = re.compile(
    r"\b((the )?(complete|full|whole|entire) (script|code|program|version|text|file|list|answer|article|story|"
    r"function|class|document|thing)|(give|show|send|print|write) (me )?(all|the whole|the entire) the|"
    r"(script|code|texte|programme|fichier) (complet|entier))\b")
FRAGMENT = re.compile(
    r"^(but |mais )?(in|with|without|using|as|en|avec|sans|comme|dans|a la maniere|in the style|"
    r"in context|in the context|au format|in (a )?table)\b")
SHOULD = re.compile(r"^(but )?(it|this|that|they|the \w+)( \w+)? (should|must|needs? to)( not|n't)? "
                    r"(be|have|include|contain|sound|look|use|focus|mention|start|end)\b")
# a question about the subject ("why is it simpler…?", "what are the ingredients again?"), not a retry
QUESTION = re.compile(r"^(why|what|where|who|which|when|how (do|does|did|is|are|can|could|would|many|much))\b.*\?$")
VARIATION_WORDS = re.compile(
    r"\b(another|other|different|unique|new|instead|alternative|better|best|une? autre|autres|different\w*|"
    r"nouve\w+|plutot|meilleur\w*)\b")
REQUEST_START = re.compile(
    _LEAD + r"(write|create|give( me)?|make|generate|suggest|recommend|propose|draft|compose|list|design|"
    r"come up with|tell me|show me|provide|produce|prepare|build|implement|outline|i (need|want) (a|an|some)|"
    r"j'ai besoin d'une?|je (veux|voudrais) (un|une|des)|"
    r"redige|ecris|cree|donne(-| )moi|genere|propose|prepare|fais|liste|trouve|imagine)\b")


def cue_and_flags(norm: str, salient: bool) -> tuple[str, int]:
    """The cue letter and the flag bits of a normalised prompt; ``salient``: the prompt names a
    specific subject (a capitalised word, a figure, a quotation), which a bare "complete script"
    request does not."""
    head = norm[:SPAN]
    words = norm.count(" ") + 1
    flags = (VARIATION if VARIATION_WORDS.search(head) else 0) | (REQUEST if REQUEST_START.search(head) else 0)
    if words <= CONTINUATION_WORDS and CONTINUATION.search(head):
        return "c", flags
    return ("r" if _retry(head, words, salient) else "n"), flags


def _retry(head: str, words: int, salient: bool) -> bool:
    if STRONG_RETRY.search(head) or START_COMPLAINT.search(head):
        return True
    if REWRITE_START.search(head) and "following" not in head and "suivant" not in head and ":" not in head[:60]:
        return True
    if words <= SHORT_WORDS and not QUESTION.search(head) and (RETRY.search(head) or SHOULD.search(head)):
        return True
    if words <= EDIT_WORDS and EDIT_START.search(head):
        return True
    if words <= FRAGMENT_WORDS and FRAGMENT.search(head) and not head.endswith("?"):
        return True
    return words <= SHORT_WORDS and not salient and COMPLETE.search(head) is not None
