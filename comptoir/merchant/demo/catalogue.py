"""The demo shop's catalogue: an épicerie fine of Québec products (fictional brands).

Each category: slug, French and English names and descriptions, a card colour and a drawing
("icon") for the generated images, and its products as
(SKU, French name, English name, French description, English description, price, stock);
the products sold by variant are in ``VARIANT_PRODUCTS``.
Products are taxable unless listed in ``ZERO_RATED``: the basic groceries (coffee, tea, maple
syrup, butter and sugar, dressing, jams, jellies and honey, cookies), zero-rated for GST and
QST alike; candies, taffy, chocolate, caramels and fudge (confectionery), soaps and creams,
ceramics and knitwear are taxable.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class DemoCategory:
    slug: str
    name_fr: str
    name_en: str
    description_fr: str
    description_en: str
    colour: str
    icon: str
    products: tuple


CATEGORIES = (
    DemoCategory(
        "cafes", "Cafés", "Coffee",
        "Cafés équitables torréfiés chaque semaine à Montréal, en grains ou moulus.",
        "Fair-trade coffee roasted every week in Montréal, whole bean or ground.",
        "#6f4e37", "cup",
        (
            ("CAF-001", "Café du Plateau, mélange maison", "Plateau house blend coffee",
             "Torréfaction moyenne, notes de chocolat noir et de noisette. Sac de 340 g.",
             "Medium roast with notes of dark chocolate and hazelnut. 340 g bag.", "16.95", 60),
            ("CAF-002", "Espresso Saint-Laurent", "Saint-Laurent espresso",
             "Torréfaction foncée, crème épaisse et finale de caramel. Sac de 340 g.",
             "Dark roast, thick crema and a caramel finish. 340 g bag.", "17.95", 48),
            ("CAF-003", "Café décaféiné à l'eau de montagne", "Mountain water decaf coffee",
             "Décaféiné sans solvant, doux et rond. Sac de 340 g.",
             "Solvent-free decaf, smooth and round. 340 g bag.", "17.50", 30),
            ("CAF-004", "Éthiopie Yirgacheffe", "Ethiopia Yirgacheffe",
             "Origine unique, torréfaction claire, notes florales et d'agrumes. Sac de 340 g.",
             "Single origin, light roast, floral and citrus notes. 340 g bag.", "19.95", 24),
            ("CAF-005", "Colombie Huila", "Colombia Huila",
             "Origine unique, notes de pomme rouge et de cassonade. Sac de 340 g.",
             "Single origin, notes of red apple and brown sugar. 340 g bag.", "18.95", 36),
            ("CAF-006", "Café moulu pour cafetière italienne", "Moka pot ground coffee",
             "Mouture fine pour cafetière italienne, torréfaction foncée. Sac de 250 g.",
             "Fine grind for moka pots, dark roast. 250 g bag.", "13.95", 40),
        ),
    ),
    DemoCategory(
        "thes-et-tisanes", "Thés et tisanes", "Teas and herbal teas",
        "Thés en feuilles et tisanes de plantes cultivées au Québec.",
        "Loose-leaf teas and herbal teas of plants grown in Québec.",
        "#4f7f52", "leaf",
        (
            ("THE-001", "Thé vert sencha", "Sencha green tea",
             "Thé vert japonais aux notes herbacées et iodées. Boîte de 100 g.",
             "Japanese green tea with grassy, marine notes. 100 g tin.", "14.50", 40),
            ("THE-002", "Thé noir à l'érable", "Maple black tea",
             "Thé noir de Ceylan parfumé au sirop d'érable. Boîte de 100 g.",
             "Ceylon black tea flavoured with maple syrup. 100 g tin.", "12.95", 55),
            ("THE-003", "Earl Grey à la bergamote", "Bergamot Earl Grey",
             "Le classique, avec de vrais zestes de bergamote. Boîte de 100 g.",
             "The classic, with real bergamot peel. 100 g tin.", "12.50", 50),
            ("THE-004", "Tisane du Labrador", "Labrador tea infusion",
             "Thé du Labrador cueilli sur la Côte-Nord, boisé et résineux. Sachet de 30 g.",
             "Labrador tea picked on the North Shore, woody and resinous. 30 g pouch.", "11.95", 25),
            ("THE-005", "Tisane menthe et mélisse", "Mint and lemon balm infusion",
             "Menthe poivrée et mélisse biologiques des Cantons-de-l'Est. Sachet de 40 g.",
             "Organic peppermint and lemon balm from the Eastern Townships. 40 g pouch.", "9.95", 45),
            ("THE-006", "Chaï épicé", "Spiced chai",
             "Thé noir, cannelle, cardamome, gingembre et clou de girofle. Boîte de 100 g.",
             "Black tea, cinnamon, cardamom, ginger and clove. 100 g tin.", "13.50", 35),
        ),
    ),
    DemoCategory(
        "erable", "Produits de l'érable", "Maple products",
        "Sirop, beurre, sucre et bonbons d'une érablière familiale de la Beauce.",
        "Syrup, butter, sugar and candies from a family sugar bush in the Beauce region.",
        "#b5651d", "maple",
        (
            ("ERA-001", "Sirop d'érable ambré, 540 ml", "Amber maple syrup, 540 ml",
             "Goût riche, catégorie A. Bouteille de verre de 540 ml.",
             "Rich taste, grade A. 540 ml glass bottle.", "14.95", 80),
            ("ERA-002", "Sirop d'érable doré, 250 ml", "Golden maple syrup, 250 ml",
             "Goût délicat, première coulée du printemps. Bouteille de 250 ml.",
             "Delicate taste, first run of spring. 250 ml bottle.", "8.95", 70),
            ("ERA-003", "Beurre d'érable", "Maple butter",
             "Crème d'érable pure, sans aucun ajout. Pot de 200 g.",
             "Pure maple cream, nothing added. 200 g jar.", "9.50", 50),
            ("ERA-004", "Sucre d'érable granulé", "Granulated maple sugar",
             "Pour remplacer le sucre dans vos recettes. Pot de 250 g.",
             "Replaces sugar in your recipes. 250 g jar.", "11.95", 40),
            ("ERA-005", "Bonbons à l'érable", "Maple candies",
             "Bonbons mous en forme de feuille d'érable. Boîte de 12.",
             "Soft candies shaped like maple leaves. Box of 12.", "7.95", 90),
            ("ERA-006", "Tire d'érable en pot", "Maple taffy in a jar",
             "À réchauffer puis à étendre sur la neige. Pot de 330 g.",
             "Warm it up and pour it on snow. 330 g jar.", "10.95", 30),
            ("ERA-007", "Vinaigrette érable et moutarde", "Maple mustard dressing",
             "Sirop d'érable, moutarde de Dijon et vinaigre de cidre. Bouteille de 250 ml.",
             "Maple syrup, Dijon mustard and cider vinegar. 250 ml bottle.", "8.50", 35),
        ),
    ),
    DemoCategory(
        "confitures-et-miels", "Confitures et miels", "Jams and honey",
        "Confitures cuites en petits chaudrons et miels de ruchers québécois.",
        "Small-batch jams and honey from Québec apiaries.",
        "#a23b4c", "jar",
        (
            ("CON-001", "Confiture de bleuets sauvages", "Wild blueberry jam",
             "Bleuets du Lac-Saint-Jean, peu sucrée. Pot de 250 ml.",
             "Lac-Saint-Jean blueberries, lightly sweetened. 250 ml jar.", "8.95", 60),
            ("CON-002", "Confiture de fraises et rhubarbe", "Strawberry rhubarb jam",
             "Fraises de l'île d'Orléans et rhubarbe du jardin. Pot de 250 ml.",
             "Île d'Orléans strawberries and garden rhubarb. 250 ml jar.", "8.50", 55),
            ("CON-003", "Gelée de pommettes", "Crabapple jelly",
             "Gelée claire et acidulée, parfaite avec les fromages. Pot de 250 ml.",
             "Clear, tangy jelly, perfect with cheese. 250 ml jar.", "7.95", 30),
            ("CON-004", "Marmelade d'oranges amères", "Bitter orange marmalade",
             "Écorces épaisses et amertume franche. Pot de 250 ml.",
             "Thick peel and honest bitterness. 250 ml jar.", "8.25", 25),
            ("CON-005", "Miel de trèfle crémeux", "Creamed clover honey",
             "Miel crémeux des Laurentides. Pot de 500 g.",
             "Creamed honey from the Laurentians. 500 g jar.", "12.95", 45),
            ("CON-006", "Miel de sarrasin", "Buckwheat honey",
             "Miel foncé au goût prononcé de mélasse. Pot de 350 g.",
             "Dark honey with a strong molasses taste. 350 g jar.", "11.50", 20),
        ),
    ),
    DemoCategory(
        "chocolats-et-douceurs", "Chocolats et douceurs", "Chocolates and sweets",
        "Chocolats, caramels et biscuits faits à la main.",
        "Handmade chocolates, caramels and cookies.",
        "#5b3a29", "bar",
        (
            ("CHO-001", "Tablette chocolat noir 70 %", "70% dark chocolate bar",
             "Cacao équitable, fabriquée à Québec. Tablette de 80 g.",
             "Fair-trade cacao, made in Québec City. 80 g bar.", "6.95", 100),
            ("CHO-002", "Tablette chocolat au lait et érable", "Maple milk chocolate bar",
             "Chocolat au lait sucré au sucre d'érable. Tablette de 80 g.",
             "Milk chocolate sweetened with maple sugar. 80 g bar.", "6.95", 90),
            ("CHO-003", "Caramels à la fleur de sel", "Sea salt caramels",
             "Caramels mous au beurre et fleur de sel des Îles-de-la-Madeleine. Sachet de 150 g.",
             "Soft butter caramels with sea salt from the Magdalen Islands. 150 g bag.",
             "9.95", 40),
            ("CHO-004", "Sucre à la crème de grand-maman", "Grandma's fudge",
             "La recette traditionnelle, fondante. Boîte de 250 g.",
             "The traditional recipe, melt-in-the-mouth. 250 g box.", "10.50", 35),
            ("CHO-005", "Biscuits sablés à l'avoine", "Oat shortbread cookies",
             "Beurre, avoine et une pointe de cassonade. Boîte de 12.",
             "Butter, oats and a touch of brown sugar. Box of 12.", "8.95", 30),
            ("CHO-006", "Écorces de chocolat aux canneberges", "Cranberry chocolate bark",
             "Chocolat noir, canneberges séchées et amandes grillées. Sachet de 120 g.",
             "Dark chocolate, dried cranberries and roasted almonds. 120 g bag.", "11.95", 25),
        ),
    ),
    DemoCategory(
        "savons-et-soins", "Savons et soins", "Soaps and body care",
        "Savons saponifiés à froid et soins aux huiles végétales.",
        "Cold-process soaps and body care made with plant oils.",
        "#6a8caf", "soap",
        (
            ("SAV-001", "Savon à l'avoine et au miel", "Oat and honey soap",
             "Doux pour les peaux sensibles. Pain de 110 g.",
             "Gentle on sensitive skin. 110 g bar.", "7.50", 70),
            ("SAV-002", "Savon au sapin baumier", "Balsam fir soap",
             "Parfum de forêt boréale aux huiles essentielles. Pain de 110 g.",
             "Boreal forest scent from essential oils. 110 g bar.", "7.50", 65),
            ("SAV-003", "Savon à la lavande", "Lavender soap",
             "Lavande cultivée en Estrie. Pain de 110 g.",
             "Lavender grown in the Eastern Townships. 110 g bar.", "7.50", 60),
            ("SAV-004", "Baume à lèvres à la cire d'abeille", "Beeswax lip balm",
             "Cire d'abeille et beurre de karité. Tube de 4,5 g.",
             "Beeswax and shea butter. 4.5 g tube.", "4.95", 120),
            ("SAV-005", "Crème pour les mains à l'argousier", "Sea buckthorn hand cream",
             "Nourrissante et vite absorbée. Tube de 75 ml.",
             "Nourishing and quickly absorbed. 75 ml tube.", "15.95", 30),
            ("SAV-006", "Sels de bain au cèdre", "Cedar bath salts",
             "Sels d'Epsom et huile essentielle de cèdre. Pot de 300 g.",
             "Epsom salts and cedar essential oil. 300 g jar.", "12.50", 25),
        ),
    ),
    DemoCategory(
        "ceramiques", "Céramiques", "Ceramics",
        "Pièces tournées à la main par des céramistes de Montréal.",
        "Pieces thrown by hand by Montréal potters.",
        "#2f6f73", "bowl",
        (
            ("CER-001", "Tasse en grès émaillé bleu", "Blue glazed stoneware mug",
             "Tournée à la main, 350 ml, va au lave-vaisselle.",
             "Hand thrown, 350 ml, dishwasher safe.", "32.00", 18),
            ("CER-002", "Bol à café au lait", "Café au lait bowl",
             "Grand bol de 500 ml, émail crème.",
             "Large 500 ml bowl, cream glaze.", "28.00", 15),
            ("CER-003", "Théière en grès", "Stoneware teapot",
             "Théière de 800 ml avec filtre intégré.",
             "800 ml teapot with a built-in strainer.", "78.00", 6),
            ("CER-004", "Assiette de service moucheté", "Speckled serving plate",
             "Assiette de 30 cm en grès moucheté.",
             "30 cm speckled stoneware plate.", "54.00", 8),
            ("CER-005", "Pot à miel avec cuillère en érable", "Honey pot with maple dipper",
             "Pot de 250 ml et sa cuillère en bois d'érable.",
             "250 ml pot with its maple wood dipper.", "36.00", 12),
            ("CER-006", "Vase soliflore", "Bud vase",
             "Petit vase de 15 cm, émail vert mousse.",
             "Small 15 cm vase, moss green glaze.", "26.00", 20),
        ),
    ),
    DemoCategory(
        "tricots", "Tricots", "Knitwear",
        "Chandails tricotés au Québec, en laine d'ici.",
        "Sweaters knitted in Québec from local wool.",
        "#8a6f9e", "soap",
        (),  # its sweater is sold by size: VARIANT_PRODUCTS
    ),
)


# Products sold by variant: (category slug, SKU, French name, English name, French description,
# English description, options, variants). Options: ((French name, English name, ((French value,
# English value), …)), …); variants: {(French value, …): (price, stock)}.
VARIANT_PRODUCTS = (
    ("cafes", "CAF-100", "Café du Plateau en vrac", "Plateau coffee in bulk",
     "Notre mélange maison en grains, en sac de 250 g ou de 1 kg.",
     "Our house blend, whole bean, in a 250 g or 1 kg bag.",
     (("Format", "Size", (("250 g", "250 g"), ("1 kg", "1 kg"))),),
     {("250 g",): ("12.95", 40), ("1 kg",): ("39.95", 15)}),
    ("tricots", "TRI-001", "Chandail en laine du Bas-du-Fleuve", "Bas-du-Fleuve wool sweater",
     "Tricoté au Québec en laine de mouton d'ici, col rond, gris chiné.",
     "Knitted in Québec from local sheep's wool, crew neck, heather grey.",
     (("Taille", "Size", (("S", "S"), ("M", "M"), ("L", "L"))),),
     {("S",): ("89.00", 4), ("M",): ("89.00", 6), ("L",): ("89.00", 3)}),
)

ZERO_RATED = frozenset({
    "CAF-001", "CAF-002", "CAF-003", "CAF-004", "CAF-005", "CAF-006", "CAF-100",
    "THE-001", "THE-002", "THE-003", "THE-004", "THE-005", "THE-006",
    "ERA-001", "ERA-002", "ERA-003", "ERA-004", "ERA-007",
    "CON-001", "CON-002", "CON-003", "CON-004", "CON-005", "CON-006",
    "CHO-005",
})
