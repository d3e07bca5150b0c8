"""French prompt templates of TechVert's teams, with slot filling.

Each task has several paraphrases of the same request (a reformulation chain switches between
them); slots (``{client}``, ``{sujet}``...) are drawn from pools, so that one template filled for
two clients gives two different prompts — the look-alike a waste detector must not flag.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from types import MappingProxyType

from sobria.demo.dice import Dice

SLOTS: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "client": (
        "Boulangeries Martin", "Transports Rhône-Alpes", "Clinique du Parc", "Mutuelle Horizon",
        "Groupe Vitalis", "Brasserie des Canuts", "Cabinet Lumière Avocats", "Imprimerie Duchêne",
        "Agence Immo Confluence", "Fromageries du Vercors", "Logistique Saône", "Hôtel Bellecour",
        "Métropole Habitat", "Atelier Textile Croix-Rousse", "Coopérative Agri-Dauphiné",
        "Laboratoires Bioderm", "Cycles Gambetta", "Éditions du Rhône", "Garage Part-Dieu",
        "Caisse d'Épargne Loire", "Domaine de Fourvière", "Pharmacie Centrale Vaise",
    ),
    "sujet": (
        "la sobriété numérique", "notre offre de migration vers le cloud", "le télétravail hybride",
        "la cybersécurité des PME", "la dématérialisation des factures", "l'IA responsable",
        "notre nouvelle offre de formation", "le salon Big Data & IA Paris", "la RSE en PME",
        "l'automatisation des processus RH", "l'expérience client omnicanale", "le RGPD en 2025",
        "la facturation électronique obligatoire", "la transformation digitale des artisans",
    ),
    "produit": (
        "l'espace client", "le portail de facturation", "l'application mobile", "la messagerie",
        "le module de paie", "l'export comptable", "le tableau de bord", "la synchronisation agenda",
    ),
    "probleme": (
        "je n'arrive pas à me connecter", "le mot de passe ne fonctionne plus", "l'export PDF est vide",
        "la page reste blanche", "je ne reçois pas les notifications", "la facture est en double",
        "l'import CSV échoue", "le paiement a été refusé", "mes données ont disparu",
    ),
    "poste": (
        "consultant data", "chef de projet digital", "développeur full-stack", "commercial terrain",
        "chargé de communication", "technicien support N1", "consultant RSE", "alternant marketing",
    ),
    "concurrent": (
        "Digitalia Conseil", "NeoTrans Partners", "Kapéo Digital", "Groupe Synapse", "Alpha Numérique",
    ),
    "theme_interne": (
        "le séminaire d'équipe de juin", "les résultats du trimestre", "l'organisation des congés",
        "le nouveau process de notes de frais", "le déménagement des bureaux", "le point d'équipe du lundi",
        "la fête de fin d'année", "l'arrivée des nouveaux collaborateurs",
    ),
    "evenement": (
        "IA et PME : mode d'emploi", "Réussir sa transformation digitale", "Cybersécurité : les bons réflexes",
        "Sobriété numérique en entreprise",
    ),
    "style": ("moderne", "flat design", "photoréaliste", "minimaliste", "aquarelle", "isométrique"),
    "mot": ("pertinent", "innovant", "efficace", "durable", "ambitieux", "rapide", "fiable"),
    "phrase": (
        "Nous vous remercions pour votre confiance.", "Je reviens vers vous dès que possible.",
        "Merci de trouver ci-joint notre proposition.", "La réunion est décalée à jeudi.",
        "Le rapport sera prêt en fin de semaine.",
    ),
    "pages": ("2", "3", "4"),
    "pourcentage": ("5,5", "10", "12", "15", "18", "20", "25", "33"),
    "montant": ("450", "1 200", "2 450", "3 800", "12 500", "18 000", "47 300"),
    "date": ("14 juillet 2025", "15 août 2025", "1er novembre 2025", "25 décembre 2025", "3 mars 2025",
             "30 juin 2025"),
})

TEMPLATES: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "email_client": (
        "Rédige un e-mail à {client} pour relancer notre proposition sur {sujet}.",
        "Écris un mail de relance pour {client} concernant notre offre sur {sujet}, ton courtois.",
        "Aide-moi à relancer {client} par e-mail au sujet de {sujet}.",
    ),
    "linkedin_post": (
        "Rédige un post LinkedIn sur {sujet} pour la page de TechVert.",
        "Écris une publication LinkedIn engageante à propos de {sujet}, avec des hashtags.",
        "Propose un post LinkedIn qui parle de {sujet} à des dirigeants de PME.",
    ),
    "newsletter": (
        "Rédige l'édito de la newsletter client du mois sur {sujet}.",
        "Écris un article de blog de 800 mots sur {sujet} pour notre site.",
        "Fais-moi un article pédagogique sur {sujet} pour la newsletter.",
    ),
    "slogan": (
        "Trouve dix slogans pour notre campagne sur {sujet}.",
        "Propose des accroches percutantes pour une campagne sur {sujet}.",
    ),
    "proposal": (
        "Rédige une proposition commerciale pour {client} sur {sujet}, avec planning et budget.",
        "Prépare la trame d'une proposition pour {client} : contexte, enjeux, démarche sur {sujet}.",
        "Écris la section « notre approche » de la proposition à {client} sur {sujet}.",
    ),
    "prospect_analysis": (
        "Analyse le prospect {client} : activité, enjeux digitaux, angle d'attaque commercial.",
        "Fais une fiche prospect pour {client} avec ses besoins probables autour de {sujet}.",
        "Quels arguments utiliser avec {client} pour lui vendre une mission sur {sujet} ?",
    ),
    "email_prospect": (
        "Écris un premier e-mail de prospection pour {client} sur {sujet}.",
        "Rédige un message de prise de contact à {client} pour présenter notre offre sur {sujet}.",
    ),
    "meeting_summary": (
        "Fais le compte rendu de cette réunion avec {client} (notes ci-dessous) et liste les actions.",
        "Synthétise mes notes du rendez-vous avec {client} en cinq points et les prochaines étapes.",
    ),
    "ticket_summary": (
        "Résume ce ticket client : {probleme} sur {produit}, historique des échanges ci-dessous.",
        "Synthétise le fil du ticket ({produit} : {probleme}) pour l'escalade au niveau 2.",
    ),
    "reply_draft": (
        "Rédige une réponse à un client qui nous écrit : « {probleme} » ({produit}).",
        "Écris une réponse empathique à un client : « {probleme} » ({produit}).",
        "Propose une réponse de support pour expliquer la résolution de « {probleme} » sur {produit}.",
    ),
    "faq_article": (
        "Rédige un article de FAQ : que faire quand {probleme} sur {produit} ?",
        "Écris une fiche d'aide pas à pas pour le cas « {probleme} » ({produit}).",
    ),
    "job_offer": (
        "Rédige une offre d'emploi pour un poste de {poste} à Lyon, CDI.",
        "Écris l'annonce de recrutement d'un {poste} pour TechVert, ton dynamique.",
        "Propose une offre d'emploi attractive pour un {poste}, avec missions et profil recherché.",
    ),
    "interview_questions": (
        "Prépare dix questions d'entretien pour un {poste}.",
        "Quelles questions poser en entretien à un candidat {poste} ?",
    ),
    "hr_note": (
        "Rédige une note interne sur {theme_interne}.",
        "Écris un message à toute l'équipe au sujet de {theme_interne}.",
    ),
    "strategic_analysis": (
        "Fais une analyse SWOT de TechVert face au marché de {sujet}.",
        "Analyse stratégique : faut-il lancer une offre sur {sujet} en 2025 ? Risques et opportunités.",
        "Prépare une note stratégique pour le comité de direction sur {sujet}.",
    ),
    "competitive_watch": (
        "Fais une veille concurrentielle sur {concurrent} : offres, prix, positionnement.",
        "Compare notre offre sur {sujet} à celle de {concurrent}.",
        "Quelles sont les dernières actualités de {concurrent} sur {sujet} ?",
    ),
    "board_note": (
        "Rédige la synthèse mensuelle pour le comité de direction sur {theme_interne}.",
        "Prépare un mot du directeur général pour {theme_interne}.",
    ),
    "trivial": (
        "Corrige l'orthographe : « {phrase} »",
        "Donne-moi un synonyme de « {mot} ».",
        "Traduis en anglais : « {phrase} »",
        "Mets cette phrase au vouvoiement : « {phrase} »",
        "Combien font {pourcentage} % de {montant} € ?",
        "Quel jour de la semaine tombe le {date} ?",
    ),
    "image_external": (
        "Génère une illustration {style} sur {sujet} pour un post LinkedIn.",
        "Crée un visuel {style} pour la bannière du webinaire « {evenement} ».",
        "Image {style} pour illustrer la proposition commerciale de {client}.",
    ),
    "image_internal": (
        "Crée une image {style} pour illustrer la présentation interne sur {theme_interne}.",
        "Génère un visuel {style} pour la newsletter interne : {theme_interne}.",
        "Une illustration {style} pour la slide de titre sur {theme_interne}.",
    ),
    "chatbot": (
        "Bonjour, {probleme} sur {produit}.",
        "Bonjour, depuis ce matin {probleme}, que dois-je faire ?",
        "{probleme} avec {produit}, pouvez-vous m'aider ?",
        "Comment faire si {probleme} ?",
    ),
    "chatbot_followup": (
        "Ça ne marche toujours pas.",
        "Merci, et pour {produit} ?",
        "Je peux parler à un conseiller ?",
        "D'accord, c'est réglé, merci.",
    ),
    "cv_screening": (
        "Analyse ce CV pour le poste de {poste} et donne un score sur 10 avec trois points forts et "
        "trois réserves. [CV joint : candidature n° {candidature}, {pages} pages]",
    ),
})

CONSTRAINTS = (
    " Fais-le en 100 mots maximum.", " Ton plus chaleureux, s'il te plaît.", " Plus formel.",
    " Ajoute un appel à l'action.", " Avec trois arguments chiffrés.", " Sans jargon technique.",
    " En vouvoyant.", " Avec une structure en trois parties.",
)
RETRIES = (
    "Une autre version, s'il te plaît.", "Plus court.", "Reformule, c'est trop long.",
    "Non, recommence avec un ton plus dynamique.", "Propose une autre version plus percutante.",
    "Encore une autre, stp.", "Moins commercial.", "Refais-le en plus simple.",
)
CONTINUATIONS = (
    "Continue.", "La suite, s'il te plaît.", "Continue à partir de la partie 3.", "Suite",
    "Termine la dernière section.", "Continue, tu t'es arrêté au milieu.",
)
IMAGE_VARIATIONS = (
    "plus lumineuse", "avec des tons verts", "sans texte", "en format paysage",
    "dans un style plus minimaliste", "avec des personnages", "avec le logo en bas à droite",
)


def _fields(template: str) -> tuple[str, ...]:
    return tuple(name for _, name, _, _ in string.Formatter().parse(template) if name)


def template_fields(task: str) -> tuple[str, ...]:
    """The slots any paraphrase of ``task`` uses, in a stable order."""
    names: dict[str, None] = {}
    for template in TEMPLATES[task]:
        names.update(dict.fromkeys(_fields(template)))
    return tuple(names)


def draw_slots(dice: Dice, task: str) -> dict[str, str]:
    return {name: dice.pick(SLOTS[name]) for name in template_fields(task)}


# French contractions after slot filling: "à propos de le salon" -> "à propos du salon".
CONTRACTIONS = ((" de le ", " du "), (" de les ", " des "), (" à le ", " au "), (" à les ", " aux "))


def render(task: str, variant: int, slots: Mapping[str, str]) -> str:
    templates = TEMPLATES[task]
    text = templates[variant % len(templates)].format_map(slots)
    for loose, contracted in CONTRACTIONS:
        text = text.replace(loose, contracted)
    return text[:1].upper() + text[1:]


def other_variant(dice: Dice, task: str, variant: int) -> int:
    """Another paraphrase of the same request (or the same one if the task has only one)."""
    count = len(TEMPLATES[task])
    return variant if count == 1 else (variant + dice.integer(1, count - 1)) % count


def image_variation(dice: Dice) -> str:
    return f"Même image mais {dice.pick(IMAGE_VARIATIONS)}."
